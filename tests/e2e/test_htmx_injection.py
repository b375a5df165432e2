"""htmx attributes in content people write are shown, never run.

Our CSP stops inline script, but htmx is already on the page: a `<div hx-post=... hx-trigger="load">`
printed raw fires at once, with the viewer's CSRF header. These tests put such markup (both the `hx-*`
and the `data-hx-*` spellings) where an admin or a candidate can write, open the page as someone with
more rights, and check that nothing is sent. Each has a control: the same markup added to the page outside
`data-hx-disable` does fire, so a test that saw no request is not a test where htmx never ran.
"""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from mail.defaults import ensure_default_templates
from mail.models import EmailTemplate
from pipeline.candidates.models import Candidate, Note

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "e2e-pass-123"
PROBE = "/__htmx-probe__/"  # a test-only target: Playwright answers it, the server never sees it
SENTINEL = "/__htmx-sentinel__/"

# Adds `markup` to the page (outside or inside `selector`) and lets htmx process it, as a swap would.
INJECT = """([markup, selector]) => {
    const host = document.createElement("div");
    host.innerHTML = markup;
    document.querySelector(selector).appendChild(host);
    htmx.process(host);
}"""


def payload(url, vals=None):
    """The same request twice: once as `data-hx-*`, once as bare `hx-*`."""
    extra = f" data-hx-vals='{json.dumps(vals)}'" if vals else ""
    bare = f" hx-vals='{json.dumps(vals)}'" if vals else ""
    return (
        f'<div data-hx-post="{url}"{extra} data-hx-trigger="load">data</div>'
        f'<div hx-post="{url}"{bare} hx-trigger="load">bare</div>'
    )


def user(django_user_model, organization, email, role):
    person = django_user_model.objects.create_user(email=email, password=PASSWORD, name=email.split("@")[0].title())
    membership = Membership.objects.create(user=person, organization=organization, role=role)
    return person, membership


def log_in(page, person):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)


def record_requests(page, fragment):
    """A list that fills with the URL of every request the page makes whose path holds `fragment`."""
    seen = []
    page.on("request", lambda request: fragment in request.url and seen.append(request.url))
    return seen


def drain(page):
    """Return once every request the page issued so far has been seen.

    Requests are reported in the order the page makes them: once a fetch sent now is seen, anything an
    htmx `load` trigger sent before it has been seen as well. No sleeping.
    """
    with page.expect_request(f"**{SENTINEL}"):
        page.evaluate("url => { fetch(url) }", SENTINEL)


@pytest.fixture
def browser_page(page):
    # The probe and the sentinel never reach Django: a request to them is only counted.
    page.route(f"**{PROBE}", lambda route: route.fulfill(status=200, body=""))
    page.route(f"**{SENTINEL}", lambda route: route.fulfill(status=204, body=""))
    return page


@pytest.fixture
def organization():
    return create_organization_with_defaults(name="Acme", slug="acme")


def test_an_admin_cannot_make_themselves_owner_through_a_template_subject(
    browser, live_server, browser_page, organization, django_user_model
):
    owner, _ = user(django_user_model, organization, "olivia@acme.test", Membership.Role.OWNER)
    admin, admin_membership = user(django_user_model, organization, "adam@acme.test", Membership.Role.ADMIN)
    ensure_default_templates(organization)
    template = EmailTemplate.objects.get(organization=organization, key="rejection")
    role_url = reverse("accounts:change_role", args=[admin_membership.pk])
    attack = payload(role_url, {f"m{admin_membership.pk}-role": Membership.Role.OWNER})

    # The admin saves the template with the payload as its subject, in their own browser.
    admin_context = browser.new_context(base_url=live_server.url)
    admin_page = admin_context.new_page()
    try:
        log_in(admin_page, admin)
        admin_page.goto(f"/mail/templates/{template.pk}/")
        admin_page.locator("#id_subject").fill(attack)
        admin_page.get_by_role("button", name="Save", exact=True).click()
        expect(admin_page.get_by_role("status").filter(has_text="Template saved.")).to_be_visible()
    finally:
        admin_context.close()
    template.refresh_from_db()
    assert template.subject == attack

    # The owner opens it; then edits the subject, so the live preview renders it too.
    page = browser_page
    role_requests = record_requests(page, role_url)
    log_in(page, owner)
    page.goto(f"/mail/templates/{template.pk}/", wait_until="networkidle")
    expect(page.locator("#preview")).to_contain_text('data-hx-post="' + role_url)
    drain(page)
    assert role_requests == []

    with page.expect_response("**/mail/templates/preview/") as preview:
        page.locator("#id_subject").fill(attack + " ")
    assert preview.value.status == 200
    page.wait_for_load_state("networkidle")
    drain(page)
    assert role_requests == []
    admin_membership.refresh_from_db()
    assert admin_membership.role == Membership.Role.ADMIN

    # Even raw (unescaped) inside the preview's data-hx-disable region, the markup stays inert...
    probe_requests = record_requests(page, PROBE)
    page.evaluate(INJECT, [payload(PROBE), "#preview [data-hx-disable]"])
    drain(page)
    assert probe_requests == []
    # ...while the same markup anywhere else on the page fires both spellings (the control).
    with page.expect_request(f"**{PROBE}"):
        page.evaluate(INJECT, [payload(PROBE), "main"])
    drain(page)
    assert len(probe_requests) == 2


def test_htmx_markup_from_a_candidate_fires_nothing_on_the_candidate_page(
    browser_page, organization, django_user_model
):
    recruiter, _ = user(django_user_model, organization, "rita@acme.test", Membership.Role.RECRUITER)
    candidate = Candidate.objects.create(
        organization=organization,
        # Short columns (100 characters) hold one spelling each.
        first_name=f'<div data-hx-post="{PROBE}" data-hx-trigger="load">x</div>',
        last_name="Lovelace",
        email="ada@example.test",
        city=f'<div hx-post="{PROBE}" hx-trigger="load">x</div>',
        resume_text=payload(PROBE),
    )
    Note.objects.create(candidate=candidate, author=recruiter, body=payload(PROBE))

    page = browser_page
    probe_requests = record_requests(page, PROBE)
    log_in(page, recruiter)
    page.goto(reverse("pipeline:candidate", args=[candidate.pk]), wait_until="networkidle")
    expect(page.locator(".timeline-note-body")).to_contain_text(f'data-hx-post="{PROBE}"')
    drain(page)
    assert probe_requests == []

    # Raw in the notes' data-hx-disable region: still nothing.
    page.evaluate(INJECT, [payload(PROBE), ".timeline[data-hx-disable]"])
    drain(page)
    assert probe_requests == []
    # The control: the same markup outside it fires, in both spellings.
    with page.expect_request(f"**{PROBE}"):
        page.evaluate(INJECT, [payload(PROBE), "main"])
    drain(page)
    assert len(probe_requests) == 2
