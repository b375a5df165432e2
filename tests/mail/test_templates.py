"""Email templates: the sandboxed renderer (mail.rendering), rendering a template (services.render_template),
the default templates, and the editor (/mail/templates/, /mail/templates/new/, /mail/templates/<id>/,
/mail/templates/preview/)."""

import html
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from mail import rendering
from mail.defaults import DEFAULT_TEMPLATES, ensure_default_templates
from mail.models import EmailMessage, EmailTemplate
from mail.services import render_template
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

DEFAULT_KEYS = {
    "acknowledgement",
    "screening_invitation",
    "phone_screen",
    "interview_invitation",
    "interview_panel",
    "interview_cancelled",
    "interview_panel_cancelled",
    "reference_request",
    "offer",
    "welcome",
    "rejection",
    "interview_reminder",
    "task_reminder",
}
HTMX = {"HX-Request": "true"}
NOT_ALLOWED_TAG = "isn't allowed in email templates"
UNDERSCORE = "may not begin with underscores"

# Source -> what the refusal says. Each would reach Python objects, other templates, the request or settings.
REFUSED = {
    "{{ candidate.__class__ }}": UNDERSCORE,
    "{{ candidate.__init__.__globals__ }}": UNDERSCORE,
    "{{ candidate._data }}": UNDERSCORE,
    "{% debug %}": NOT_ALLOWED_TAG,
    "{% load static %}": "the tag “load” isn't allowed",
    '{% include "base.html" %}': NOT_ALLOWED_TAG,
    '{% extends "base.html" %}': NOT_ALLOWED_TAG,
    "{% autoescape off %}{{ candidate.first_name }}{% endautoescape %}": NOT_ALLOWED_TAG,
    "{{ candidate.first_name|safe }}": "the filter “safe” isn't allowed in email templates",
    "{% url 'admin:index' %}": NOT_ALLOWED_TAG,
    "{% csrf_token %}": NOT_ALLOWED_TAG,
}
# Accepted (with at most a warning), but they print nothing: the containers answer key lookups only.
EMPTY = [
    "{{ candidate.items }}",
    "{{ candidate.keys }}",
    "{{ candidate.values }}",
    "{{ candidate }}",
    "{{ settings.SECRET_KEY }}",
    "{{ request.user }}",
]
# What no rendered template may ever contain: Python internals, or values from settings.
LEAKS = ["class", "dict", "function", "<module", "object at", "_Values", "mail.rendering", settings.SECRET_KEY]


def preview_frame(client, response):
    """The preview frame's own page (its HTML is served apart from the editor: see mail.views._preview)."""
    match = re.search(r'<iframe class="mail-preview" sandbox title="Email preview" src="([^"]+)"', response.text)
    assert match, "no preview frame"
    return client.get(html.unescape(match[1]))


def hostile_values():
    values = rendering.sample_values()
    values["candidate.first_name"] = "<script>alert(1)</script>"
    return values


def page_text(response):
    return html.unescape(response.content.decode())


def form_data(**overrides):
    data = {
        "name": "Follow-up",
        "key": "follow_up",
        "category": EmailTemplate.Category.NOTIFICATION,
        "subject": "About {{ job.title }}",
        "html_body": "<p>Hello {{ candidate.first_name }},</p><p>More soon.</p>",
        "text_body": "",
        "is_active": "on",
    }
    return {**data, **overrides}


@pytest.fixture
def template(organization):
    return EmailTemplate.objects.create(
        organization=organization,
        key="follow_up",
        name="Follow-up",
        subject="About {{ job.title }}",
        html_body="<p>Hello {{ candidate.first_name }}</p>",
    )


@pytest.fixture
def owner_client(client_for, owner):
    return client_for(owner)


def edit_url(template):
    return f"/mail/templates/{template.pk}/"


# --- The sandbox: rendering.check and rendering.render ------------------------------------


@pytest.mark.parametrize(("source", "reason"), REFUSED.items(), ids=list(REFUSED))
def test_a_template_reaching_beyond_its_values_is_refused_with_a_clear_message(source, reason):
    errors, _ = rendering.check(source, label="HTML body")

    assert errors, f"{source!r} was accepted"
    assert errors[0].startswith("HTML body")
    assert reason in errors[0]


@pytest.mark.parametrize("source", EMPTY)
@pytest.mark.parametrize("html_output", [True, False])
def test_a_lookup_outside_the_documented_values_is_accepted_but_prints_nothing(source, html_output):
    errors, _ = rendering.check(source)

    output = rendering.render(f"[{source}]", hostile_values(), html_output=html_output)

    assert errors == []
    assert output == "[]"


@pytest.mark.parametrize("source", [*REFUSED, *EMPTY])
def test_no_template_that_passes_the_check_renders_python_internals_or_settings(source):
    errors, _ = rendering.check(source)
    if errors:
        return  # refused: it is never rendered
    output = rendering.render(source, hostile_values(), html_output=True)

    for leak in LEAKS:
        assert leak not in output


def test_unknown_variables_are_warnings_not_errors():
    errors, warnings = rendering.check("Hi {{ candidate.nickname }} {{ candidate.nickname }} {{ job.title }}")

    assert errors == []
    assert warnings == ["template: unknown variable “candidate.nickname” (it will print nothing)."]


def test_every_documented_variable_is_known():
    source = " ".join(f"{{{{ {name} }}}}" for name in rendering.VARIABLES)

    assert rendering.check(source) == ([], [])


def test_a_syntax_error_is_refused_with_its_line_number():
    errors, warnings = rendering.check("<p>Hello {{ candidate.first_name }}</p>\n{% if %}<p>x</p>", label="HTML body")

    assert len(errors) == 1
    assert errors[0].startswith("HTML body (line 2): ")
    assert warnings == []


def test_an_unknown_tag_is_refused_with_its_line_number():
    errors, _ = rendering.check("Hello\n\n{% nosuchtag %}")

    assert "line 3" in errors[0]


def test_a_refused_tag_names_its_line():
    errors, _ = rendering.check("<p>Hi</p>\n{% debug %}")

    assert errors == ["template (line 2): the tag “debug” isn't allowed in email templates."]


@pytest.mark.parametrize(
    "source",
    [
        "{% with name=candidate.first_name|safe %}{{ name }}{% endwith %}",
        "{% firstof candidate.first_name|safe %}",
        "{% cycle candidate.first_name|safe 'x' %}",
    ],
)
def test_the_safe_filter_is_refused_inside_every_tag(source):
    errors, _ = rendering.check(source)
    if not errors:
        assert "<script>" not in rendering.render(source, hostile_values(), html_output=True)
    assert errors


def test_looping_over_a_value_container_renders_nothing_instead_of_crashing():
    source = "[{% for key in candidate %}{{ key }}{% endfor %}]"
    errors, _ = rendering.check(source)

    assert errors or rendering.render(source, hostile_values(), html_output=True) == "[]"


def test_a_template_that_passes_the_check_renders_with_the_sample_values():
    source = "{{ job.title|divisibleby:2 }}"
    errors, _ = rendering.check(source)

    assert errors or rendering.render(source, rendering.sample_values(), html_output=True) is not None


# --- Rendering a template ------------------------------------------------------------------


def test_candidate_values_are_escaped_in_the_html_body_and_not_in_the_text_body(organization):
    template = EmailTemplate(
        organization=organization,
        subject="For {{ candidate.first_name }}",
        html_body="<p>Hello {{ candidate.first_name }}</p>",
        text_body="Hello {{ candidate.first_name }}",
    )

    subject, html_body, text_body = render_template(template, hostile_values())

    assert html_body == "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert text_body == "Hello <script>alert(1)</script>"
    assert subject == "For <script>alert(1)</script>"


def test_the_text_body_is_made_from_the_html_when_empty(organization):
    template = EmailTemplate(
        organization=organization,
        subject="Hi",
        html_body='<p>Hello {{ candidate.first_name }},</p><p>See <a href="{{ job.url }}">the job</a>.<br>Bye</p>',
        text_body="  \n ",
    )
    values = {**rendering.sample_values(), "candidate.first_name": "Ada & <Bob>"}

    _, html_body, text_body = render_template(template, values)

    assert "Ada &amp; &lt;Bob&gt;" in html_body
    assert text_body == f"Hello Ada & <Bob>,\n\nSee the job ({values['job.url']}).\nBye"


def test_a_multi_line_subject_becomes_one_line(organization):
    template = EmailTemplate(organization=organization, subject="Hello\n  {{ candidate.first_name }}\n", html_body="x")

    subject, _, _ = render_template(template, rendering.sample_values())

    assert subject == "Hello Ada"


# --- Default templates ---------------------------------------------------------------------


def test_ensure_default_templates_creates_the_thirteen_default_keys(db):
    organization = OrganizationFactory(defaults=False)
    created = ensure_default_templates(organization)

    assert created == 13
    assert set(organization.email_templates.values_list("key", flat=True)) == DEFAULT_KEYS
    assert ensure_default_templates(organization) == 0


@pytest.mark.parametrize("key", [row[0] for row in DEFAULT_TEMPLATES])
def test_every_default_template_passes_the_check_without_warnings(key):
    _, _, _, subject, html_body = next(row for row in DEFAULT_TEMPLATES if row[0] == key)

    assert rendering.check(subject) == ([], [])
    assert rendering.check(html_body) == ([], [])


def test_load_email_templates_is_idempotent_and_keeps_edited_templates(db):
    first, second = OrganizationFactory(defaults=False), OrganizationFactory(defaults=False)
    out = StringIO()
    call_command("load_email_templates", stdout=out)
    offer = first.email_templates.get(key="offer")
    offer.subject = "Our edited offer subject"
    offer.save()

    call_command("load_email_templates", stdout=out)

    assert out.getvalue().splitlines() == ["26 template(s) created.", "0 template(s) created."]
    for organization in (first, second):
        assert set(organization.email_templates.values_list("key", flat=True)) == DEFAULT_KEYS
        assert organization.email_templates.count() == 13
    offer.refresh_from_db()
    assert offer.subject == "Our edited offer subject"


def test_load_email_templates_restores_a_deleted_default_only(organization):
    ensure_default_templates(organization)
    organization.email_templates.filter(key="welcome").delete()

    call_command("load_email_templates", stdout=StringIO())

    assert organization.email_templates.count() == 13
    assert organization.email_templates.filter(key="welcome").count() == 1


# --- The editor ----------------------------------------------------------------------------


def test_the_list_shows_the_organisations_templates_with_the_defaults(owner_client, organization, template):
    response = owner_client.get("/mail/templates/")

    assert response.status_code == 200
    assert "Follow-up" in response.text
    assert "Interview reminder" in response.text
    assert organization.email_templates.count() == 14


def test_a_recruiter_can_view_the_list(client_for, recruiter, template):
    response = client_for(recruiter).get("/mail/templates/")

    assert response.status_code == 200
    assert "Follow-up" in response.text


def test_an_interviewer_cannot_view_the_list(client_for, interviewer):
    assert client_for(interviewer).get("/mail/templates/").status_code == 403


def test_the_list_does_not_show_another_organisations_templates(owner_client, other_organization):
    EmailTemplate.objects.create(
        organization=other_organization, key="secret", name="Globex secret", subject="s", html_body="b"
    )

    response = owner_client.get("/mail/templates/")

    assert response.status_code == 200
    assert "<h1>Email templates</h1>" in response.text
    assert "Globex secret" not in response.text


def test_the_editor_page_shows_a_preview_with_sample_data(owner_client, template):
    response = owner_client.get(edit_url(template))

    assert response.status_code == 200
    assert 'id="preview"' in response.text
    assert "About Senior Backend Engineer" in response.text
    frame = preview_frame(owner_client, response)
    assert frame.status_code == 200
    assert "Hello Ada" in frame.text


def test_an_owner_creates_a_template(owner_client, organization):
    response = owner_client.post("/mail/templates/new/", form_data())

    template = EmailTemplate.objects.get(organization=organization, key="follow_up")
    assert response.status_code == 302
    assert response["Location"] == edit_url(template)
    assert template.subject == "About {{ job.title }}"
    assert template.html_body == "<p>Hello {{ candidate.first_name }},</p><p>More soon.</p>"


def test_an_owner_edits_a_template(owner_client, template):
    response = owner_client.post(edit_url(template), form_data(subject="New subject {{ job.title }}", is_active=""))

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.subject == "New subject {{ job.title }}"
    assert template.is_active is False


def test_save_and_send_a_test_emails_the_owner_once(owner_client, owner, template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(edit_url(template), form_data(send_test="1"))

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [owner.email]
    assert sent.subject == "[Test] About Senior Backend Engineer"
    assert "Hello Ada," in sent.body
    message = EmailMessage.objects.get()
    assert message.status == EmailMessage.Status.SENT
    assert message.template == template
    assert message.sent_by == owner
    assert owner.email in page_text(owner_client.get(edit_url(template)))


def test_saving_without_send_test_sends_nothing(owner_client, template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(edit_url(template), form_data())

    assert mail.outbox == []
    assert not EmailMessage.objects.exists()


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("{% debug %}", NOT_ALLOWED_TAG),
        ('{% include "base.html" %}', NOT_ALLOWED_TAG),
        ("{{ candidate.__class__ }}", UNDERSCORE),
        ("{{ candidate.first_name|safe }}", "the filter “safe” isn't allowed"),
        ("<p>Hello</p>\n{% if %}", "line 2"),
    ],
)
def test_creating_a_template_with_a_refused_body_is_refused(owner_client, organization, source, reason):
    response = owner_client.post("/mail/templates/new/", form_data(html_body=source))

    assert response.status_code == 400
    assert reason in page_text(response)
    assert not organization.email_templates.filter(key="follow_up").exists()


@pytest.mark.parametrize("field", ["subject", "html_body", "text_body"])
def test_editing_any_field_to_a_refused_tag_leaves_the_template_unchanged(owner_client, template, field):
    before = {f: getattr(template, f) for f in ("subject", "html_body", "text_body")}

    response = owner_client.post(edit_url(template), form_data(**{field: "Hi {% url 'admin:index' %}"}))

    template.refresh_from_db()
    assert response.status_code == 400
    assert NOT_ALLOWED_TAG in page_text(response)
    assert {f: getattr(template, f) for f in before} == before


def test_an_unknown_variable_does_not_block_saving(owner_client, template):
    response = owner_client.post(edit_url(template), form_data(subject="Hi {{ candidate.nickname }}"))

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.subject == "Hi {{ candidate.nickname }}"


def test_a_duplicate_key_is_refused_with_a_message(owner_client, organization, template):
    response = owner_client.post("/mail/templates/new/", form_data(name="Another"))

    assert response.status_code == 400
    assert "Another template already uses this key." in page_text(response)
    assert organization.email_templates.filter(key="follow_up").count() == 1


def test_renaming_a_key_to_one_in_use_is_refused(owner_client, organization, template):
    other = EmailTemplate.objects.create(
        organization=organization, key="other", name="Other", subject="s", html_body="b"
    )

    response = owner_client.post(edit_url(other), form_data(key="follow_up"))

    other.refresh_from_db()
    assert response.status_code == 400
    assert "Another template already uses this key." in page_text(response)
    assert other.key == "other"


def test_the_same_key_in_another_organisation_is_allowed(owner_client, organization, other_organization):
    EmailTemplate.objects.create(
        organization=other_organization, key="follow_up", name="Theirs", subject="s", html_body="b"
    )

    response = owner_client.post("/mail/templates/new/", form_data())

    assert response.status_code == 302
    assert organization.email_templates.filter(key="follow_up").exists()


def test_a_recruiter_gets_403_creating_or_editing(client_for, recruiter, template):
    client = client_for(recruiter)

    assert client.get("/mail/templates/new/").status_code == 403
    assert client.post("/mail/templates/new/", form_data(key="mine")).status_code == 403
    assert client.get(edit_url(template)).status_code == 403
    assert client.post(edit_url(template), form_data(subject="Changed")).status_code == 403
    template.refresh_from_db()
    assert template.subject == "About {{ job.title }}"
    assert not EmailTemplate.objects.filter(key="mine").exists()


def test_another_organisations_template_is_404(owner_client, other_organization):
    theirs = EmailTemplate.objects.create(
        organization=other_organization, key="x", name="Theirs", subject="Theirs", html_body="b"
    )

    assert owner_client.get(edit_url(theirs)).status_code == 404
    assert owner_client.post(edit_url(theirs), form_data(subject="Mine now")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.subject == "Theirs"


def test_signed_out_visitors_are_sent_to_login(template):
    from django.test import Client

    response = Client().get(edit_url(template))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_saved_template_that_passes_the_check_can_be_opened_again(owner_client, template):
    owner_client.post(edit_url(template), form_data(html_body="{% for key in candidate %}{{ key }}{% endfor %}"))

    assert owner_client.get(edit_url(template)).status_code == 200


# --- The live preview (htmx) ---------------------------------------------------------------


def test_the_preview_renders_the_fields_with_sample_data(owner_client):
    response = owner_client.post(
        "/mail/templates/preview/",
        form_data(subject="Hi {{ candidate.first_name }}", html_body="<b>{{ job.title }}</b>"),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="preview"')
    assert "<html" not in response.text
    assert "Hi Ada" in response.text
    assert "<b>Senior Backend Engineer</b>" in preview_frame(owner_client, response).text


HTMX_PAYLOAD = (
    '<div data-hx-post="/organization/members/7/role/" data-hx-vals=\'{"m7-role": "owner"}\' data-hx-trigger="load">'
    '<div hx-post="/organization/members/7/role/" hx-trigger="load">'
)


@pytest.mark.parametrize("via", ["preview", "editor"])
def test_markup_in_the_subject_is_shown_escaped_in_the_preview(owner_client, template, via):
    # The subject renders as plain text (a SafeString): printed raw, an htmx attribute in it would fire
    # with the viewer's CSRF header.
    if via == "preview":
        response = owner_client.post("/mail/templates/preview/", form_data(subject=HTMX_PAYLOAD), headers=HTMX)
    else:
        template.subject = HTMX_PAYLOAD
        template.save()
        response = owner_client.get(edit_url(template))

    assert response.status_code == 200
    assert "&lt;div data-hx-post=" in response.text
    assert "&lt;div hx-post=" in response.text
    assert '<div data-hx-post="/organization' not in response.text
    assert "<div hx-post=" not in response.text


def test_an_ampersand_in_the_subject_is_escaped_once(owner_client):
    response = owner_client.post("/mail/templates/preview/", form_data(subject="Tom & {{ job.title }}"), headers=HTMX)

    assert response.status_code == 200
    assert "Tom &amp; Senior Backend Engineer" in response.text
    assert "&amp;amp;" not in response.text


@pytest.mark.parametrize("via", ["preview", "editor"])
def test_the_html_preview_stays_inside_its_sandboxed_frame(owner_client, template, via):
    body = '<p class="x">Hi</p>"><img src=x onerror=alert(1)>'
    if via == "preview":
        response = owner_client.post("/mail/templates/preview/", form_data(html_body=body), headers=HTMX)
    else:
        template.html_body = body
        template.save()
        response = owner_client.get(edit_url(template))
    frame = preview_frame(owner_client, response)

    assert response.status_code == 200
    assert "<img src=x onerror" not in response.text
    assert '<p class="x">Hi</p>' not in response.text
    # The frame shows the email as a mail client would, where nothing runs: no script, sandboxed, framed by us only.
    assert frame.status_code == 200
    assert '<p class="x">Hi</p>' in frame.text
    policy = frame["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "sandbox" in policy
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_the_preview_flags_unknown_variables_as_warnings(owner_client):
    response = owner_client.post(
        "/mail/templates/preview/",
        form_data(html_body="<p>{{ candidate.nickname }} {{ candidate.first_name }}</p>"),
        headers=HTMX,
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "unknown variable “candidate.nickname” (it will print nothing)" in text
    assert "alert-danger" not in response.text
    assert "<p> Ada</p>" in preview_frame(owner_client, response).text


def test_the_preview_shows_why_a_template_is_refused(owner_client):
    response = owner_client.post(
        "/mail/templates/preview/",
        form_data(subject="Hi\n{% debug %}", html_body="<p>{% csrf_token %}</p>"),
        headers=HTMX,
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "Subject (line 2): the tag “debug” isn't allowed in email templates." in text
    assert "HTML body (line 1): the tag “csrf_token” isn't allowed in email templates." in text
    assert "srcdoc" not in text
    assert not re.search(r"_Values|object at", text)


def test_the_preview_refuses_get(owner_client):
    assert owner_client.get("/mail/templates/preview/", headers=HTMX).status_code == 405


def test_a_recruiter_gets_403_on_the_preview(client_for, recruiter):
    assert client_for(recruiter).post("/mail/templates/preview/", form_data(), headers=HTMX).status_code == 403
