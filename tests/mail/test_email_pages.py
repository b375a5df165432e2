"""The email pages together (issue 16): one tab bar, previews and test sends with the viewer's own
organisation's sample data, test sends kept out of the analytics, the chart's axes, the template key
kept from recruiters."""

import html
import re

import pytest
from django.core import mail

from accounts.models import Membership
from mail import rendering
from mail.models import EmailMessage, EmailTemplate
from mail.selectors import analytics_data
from mail.services import queue_email, send_test
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "outbox": "/mail/outbox/",
    "templates": "/mail/templates/",
    "analytics": "/mail/analytics/",
    "queue": "/mail/queue/",
}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def template(organization):
    return EmailTemplate.objects.create(
        organization=organization, key="follow_up_key", name="Follow-up", subject="About {{ job.title }}",
        html_body="<p>Hello {{ candidate.first_name }}, from {{ organization.name }} ({{ sender.name }}).</p>",
    )  # fmt: skip


@pytest.fixture
def owner_client(client_for, owner):
    return client_for(owner)


def form_data(**overrides):
    return {
        "name": "Follow-up", "key": "follow_up_key", "category": EmailTemplate.Category.NOTIFICATION,
        "subject": "About {{ job.title }}", "html_body": "<p>Hello {{ organization.name }}</p>", "text_body": "",
        "is_active": "on", **overrides,
    }  # fmt: skip


def preview_frame(client, response):
    match = re.search(r'<iframe class="mail-preview" sandbox title="Email preview" src="([^"]+)"', response.text)
    assert match, "no preview frame"
    return client.get(html.unescape(match[1]))


def tab_links(response):
    nav = re.search(r'<nav aria-label="Email".*?</nav>', response.text, re.DOTALL)
    assert nav, "no email tabs"
    return re.findall(r'<a class="nav-link( active)?"(?: aria-current="page")? href="([^"]+)"', nav[0])


# --- The tabs ------------------------------------------------------------------------------


@pytest.mark.parametrize("current", PAGES)
def test_each_email_page_shows_the_four_tabs_with_its_own_current(owner_client, current):
    response = owner_client.get(PAGES[current])

    assert response.status_code == 200
    links = tab_links(response)
    assert [href for _, href in links] == list(PAGES.values())
    assert [href for active, href in links if active] == [PAGES[current]]
    assert response.text.count('aria-current="page"') >= 1


@pytest.mark.parametrize("current", PAGES)
def test_a_recruiter_sees_the_tabs_too(client_for, recruiter, current):
    response = client_for(recruiter).get(PAGES[current])

    assert response.status_code == 200
    assert len(tab_links(response)) == 4


# --- Previews and test sends with the viewer's own organisation ----------------------------------


def test_each_organisation_previews_with_its_own_name(client_for, owner, organization):
    globex = OrganizationFactory(name="Globex & Co")
    globex_owner = MembershipFactory(organization=globex, role=Membership.Role.OWNER).user
    pages = {}
    for user in (owner, globex_owner):
        client = client_for(user)
        response = client.post("/mail/templates/preview/", form_data(), headers=HTMX)
        assert response.status_code == 200
        frame = preview_frame(client, response)
        assert frame.status_code == 200
        pages[user.pk] = frame.text

    assert "Hello Acme Corp" in pages[owner.pk]
    assert "Globex" not in pages[owner.pk]
    assert "Hello Globex &amp; Co" in pages[globex_owner.pk]
    assert "Acme Corp" not in pages[globex_owner.pk]


def test_the_preview_shows_the_viewers_name_as_the_sender_and_the_layout(owner_client, owner, template):
    response = owner_client.get(f"/mail/templates/{template.pk}/")
    frame = preview_frame(owner_client, response)

    assert response.status_code == 200
    assert "Preview with Acme Corp's sample data" in response.text
    assert f"from Acme Corp ({owner.get_full_name()})" in frame.text
    assert frame.text.startswith("<!DOCTYPE html>")  # the branded layout, as candidates get it


def test_registered_sample_providers_fill_in_the_organisations_own_values(monkeypatch, organization, owner):
    monkeypatch.setitem(
        rendering._sample_providers, "test", lambda org, viewer: {"job.title": f"Newest job of {org.name}"}
    )

    values = rendering.sample_values_for(organization, viewer=owner)

    assert values["job.title"] == "Newest job of Acme Corp"
    assert values["organization.name"] == "Acme Corp"
    assert values["sender.email"] == owner.email
    assert values["candidate.first_name"] == rendering.sample_values()["candidate.first_name"]


def test_a_live_preview_frame_is_the_viewers_own(client_for, owner, organization):
    other_owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    response = client_for(owner).post("/mail/templates/preview/", form_data(), headers=HTMX)
    src = html.unescape(re.search(r'title="Email preview" src="([^"]+)"', response.text)[1])

    assert client_for(owner).get(src).status_code == 200
    assert client_for(other_owner).get(src).status_code == 404
    assert client_for(owner).get("/mail/templates/preview/not-a-token/").status_code == 404
    assert client_for(owner).post(src).status_code == 405


def test_a_saved_templates_frame_renders_it_for_the_viewers_organisation(owner_client, template):
    response = owner_client.get(f"/mail/templates/{template.pk}/preview/")

    assert response.status_code == 200
    assert "Hello Ada, from Acme Corp" in response.text
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert owner_client.post(f"/mail/templates/{template.pk}/preview/").status_code == 405


def test_another_organisations_template_frame_is_404(client_for, other_organization, template):
    other_owner = other_organization.memberships.get().user

    assert client_for(other_owner).get(f"/mail/templates/{template.pk}/preview/").status_code == 404


def test_a_recruiter_gets_403_on_the_preview_frames(client_for, recruiter, template):
    client = client_for(recruiter)

    assert client.get("/mail/templates/preview/anything/").status_code == 403
    assert client.get(f"/mail/templates/{template.pk}/preview/").status_code == 403


def test_a_new_template_shows_no_frame_until_something_is_written(owner_client):
    response = owner_client.get("/mail/templates/new/")

    assert response.status_code == 200
    assert "<iframe" not in response.text
    assert "Write a subject and a body to see the email here." in response.text


def test_a_test_send_is_marked_and_uses_the_viewers_organisation(
    owner_client, owner, template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/mail/templates/{template.pk}/", form_data(send_test="1"))

    message = EmailMessage.objects.get()
    assert response.status_code == 302
    assert message.is_test is True
    assert message.to == [owner.email]
    assert len(mail.outbox) == 1
    assert "Hello Acme Corp" in mail.outbox[0].body


def test_the_outbox_marks_a_test_send(owner_client, owner, template):
    send_test(template=template, user=owner)
    queue_email(organization=template.organization, to=["ada@example.com"], subject="Real one", html="<p>Hi</p>")

    response = owner_client.get("/mail/outbox/")

    assert response.status_code == 200
    assert response.text.count('<span class="badge text-bg-light border">Test</span>') == 1
    row = re.search(r"<tr>\s*<td[^>]*><a [^>]*>\[Test\][^<]*</a>(.*?)</td>", response.text, re.DOTALL)
    assert row and ">Test</span>" in row[1]


def test_test_sends_are_not_counted_in_the_analytics(owner_client, owner, organization, template):
    send_test(template=template, user=owner)
    send_test(template=template, user=owner)
    queue_email(organization=organization, to=["ada@example.com"], subject="Real", html="<p>Hi</p>", template=template)

    data = analytics_data(organization)
    response = owner_client.get("/mail/analytics/")

    assert data["totals"]["total"] == 1
    assert [row["total"] for row in data["per_template"]] == [1]
    assert sum(row["total"] for row in data["per_day"]) == 1
    assert EmailMessage.objects.filter(organization=organization).count() == 3
    assert response.status_code == 200
    assert "of 1 queued" in response.text


def test_the_api_analytics_leave_test_sends_out_too(api_for, owner, organization, template):
    send_test(template=template, user=owner)

    response = api_for(owner).get("/api/analytics/")

    assert response.status_code == 200
    assert response.json()["totals"]["total"] == 0


# --- The chart ------------------------------------------------------------------------------


def test_the_chart_has_axes_ticks_dates_a_legend_and_a_table(owner_client, organization):
    for _ in range(3):
        queue_email(organization=organization, to=["a@example.com"], subject="s", html="<p>x</p>")

    response = owner_client.get("/mail/analytics/")
    svg = re.search(r"<svg class=\"mail-chart\".*?</svg>", response.text, re.DOTALL)[0]

    assert response.status_code == 200
    assert 'aria-labelledby="chart-title"' in svg
    assert svg.count('class="axis"') >= 2
    assert [int(v) for v in re.findall(r'class="tick"[^>]*text-anchor="end"[^>]*>(\d+)</text>', svg)] == [0, 1, 2, 3]
    assert len(re.findall(r'text-anchor="middle">\d{1,2} \w{3}</text>', svg)) == 5  # a date every seventh day
    assert ">Day</text>" in svg and ">Emails</text>" in svg
    assert "Queued</li>" in response.text and "Opened</li>" in response.text
    table = re.search(r"<details.*?</details>", response.text, re.DOTALL)[0]
    assert table.count("<tr>") == 31  # the head and thirty days
    assert '<td class="text-end">3</td>' in table


# --- The template key ------------------------------------------------------------------------


def test_a_recruiter_does_not_see_the_key(client_for, recruiter, owner_client, template):
    as_recruiter = client_for(recruiter).get("/mail/templates/")
    as_owner = owner_client.get("/mail/templates/")

    assert as_recruiter.status_code == 200
    assert "Follow-up" in as_recruiter.text
    assert "follow_up_key" not in as_recruiter.text
    assert as_owner.status_code == 200
    assert "follow_up_key" in as_owner.text


def test_a_recruiter_cannot_change_the_key(client_for, recruiter, template):
    response = client_for(recruiter).post(f"/mail/templates/{template.pk}/", form_data(key="hijacked"))

    template.refresh_from_db()
    assert response.status_code == 403
    assert template.key == "follow_up_key"


def test_the_key_sits_under_advanced_for_admins(owner_client, template):
    response = owner_client.get(f"/mail/templates/{template.pk}/")

    assert response.status_code == 200
    advanced = re.search(
        r"<details class=\"mt-2\">\s*<summary[^>]*>Advanced</summary>(.*?)</details>", response.text, re.DOTALL
    )
    assert advanced and 'name="key"' in advanced[1]
    assert response.text.count('name="key"') == 1


def test_a_new_template_without_a_key_gets_one_from_its_name(owner_client, organization):
    response = owner_client.post("/mail/templates/new/", form_data(name="Second interview", key=""))

    template = EmailTemplate.objects.get(organization=organization, name="Second interview")
    assert response.status_code == 302
    assert template.key == "second-interview"


def test_an_admin_can_still_change_the_key(owner_client, template):
    response = owner_client.post(f"/mail/templates/{template.pk}/", form_data(key="renamed_key"))

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.key == "renamed_key"
