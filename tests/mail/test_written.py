"""A person's own email text (mail.services.render_written, queue_written), CC addresses (clean_addresses,
queue_email's cc, sending.build) and nh3's cleaning of rendered HTML (rendering.clean_html)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeData

from mail import rendering
from mail import services as mail
from mail.models import EmailEvent, EmailMessage
from mail.sending import build
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

VALUES = {
    **{name: sample for name, (_, sample) in rendering.VARIABLES.items()},
    "candidate.first_name": "Ada",
    "job.title": "Welder",
    "job.url": "https://careers.example.com/acme/welder/",
}
HOSTILE_BODY = (
    '<p>Hi {{ candidate.first_name }}</p><script>alert("x")</script>'
    '<div hx-get="/jobs/" hx-trigger="load" onclick="steal()" data-x="1" class="c">Read this</div>'
    '<a href="javascript:alert(1)">bad link</a><style>body{display:none}</style>'
)


def _errors(error):
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


def test_written_text_is_rendered_for_the_values():
    subject, html, text = mail.render_written(
        subject="Your application for {{ job.title }}",
        body="<p>Hello {{ candidate.first_name }},</p><p><strong>Thanks</strong>.</p>",
        values=VALUES,
    )

    assert subject == "Your application for Welder"
    assert html == "<p>Hello Ada,</p><p><strong>Thanks</strong>.</p>"
    assert text == "Hello Ada,\n\nThanks."


def test_the_subject_is_plain_text_on_one_line():
    values = {**VALUES, "job.title": "<b>Welder</b>\r\nBcc: someone@example.com"}

    subject, _, _ = mail.render_written(subject="About {{ job.title }}", body="<p>Hi</p>", values=values)

    # Not escaped (it is no HTML) and not "safe" either: a page printing it escapes it.
    assert subject == "About <b>Welder</b> Bcc: someone@example.com"
    assert type(subject) is str and not isinstance(subject, SafeData)


def test_scripts_and_htmx_attributes_are_removed_after_rendering():
    _, html, text = mail.render_written(subject="Hi", body=HOSTILE_BODY, values=VALUES)

    assert html == '<p>Hi Ada</p><div>Read this</div><a rel="noopener noreferrer">bad link</a>'
    assert "alert" not in text and "display" not in text


def test_markup_split_around_a_value_is_still_cleaned():
    # The tag only exists once rendered: cleaning the source would not see it.
    body = '<{% if candidate.first_name %}script{% endif %}>alert(1)</script><p>Hi</p><{{ "img" }} src=x onerror=y>'

    _, html, _ = mail.render_written(subject="Hi", body=body, values=VALUES)

    assert "<script" not in html and "onerror" not in html
    assert "<p>Hi</p>" in html


def test_a_value_can_not_add_markup():
    values = {**VALUES, "candidate.first_name": '<img src=x onerror="alert(1)">'}

    _, html, _ = mail.render_written(subject="Hi", body="<p>{{ candidate.first_name }}</p>", values=values)

    assert html == '<p>&lt;img src=x onerror="alert(1)"&gt;</p>'


def test_simple_formatting_links_images_and_tables_are_kept():
    body = (
        '<h2 style="color: #333; position: fixed">Hi</h2><p><a href="https://example.com/a?b=1&amp;c=2">link</a>'
        '<img src="https://example.com/logo.png" alt="Logo"></p><table><tr><td colspan="2">x</td></tr></table>'
    )

    _, html, _ = mail.render_written(subject="Hi", body=body, values=VALUES)

    assert html == (
        '<h2 style="color:#333">Hi</h2><p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">'
        'link</a><img src="https://example.com/logo.png" alt="Logo"></p>'
        '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>'
    )


@pytest.mark.parametrize(
    ("subject", "body", "field", "says"),
    [
        ("Hi {{ candidate.nickname }}", "<p>x</p>", "subject", "unknown variable “candidate.nickname”"),
        ("Hi", "<p>{{ candiate.first_name }}</p>", "body", "unknown variable “candiate.first_name”"),
        ("Hi", "<p>{% if %}x</p>", "body", "Body (line 1)"),
        ("Hi {% endif %}", "<p>x</p>", "subject", "Subject (line 1)"),
        ("Hi", "{% load static %}", "body", "the tag “load” isn't allowed"),
        ("Hi", "{{ candidate.first_name|safe }}", "body", "the filter “safe” isn't allowed"),
        ("Hi", '{% include "base.html" %}', "body", "isn't allowed in email templates"),
        ("", "<p>x</p>", "subject", "write something"),
        ("Hi", "   ", "body", "write something"),
        ("Hi", "<script>alert(1)</script>", "body", "nothing is left to send"),
        ("{{ interview.date }}", "<p>x</p>", "subject", "comes out empty"),
    ],
)
def test_text_that_cannot_be_sent_is_refused_with_a_reason(subject, body, field, says):
    values = {**VALUES, "interview.date": ""}

    with pytest.raises(ValidationError) as error:
        mail.render_written(subject=subject, body=body, values=values)

    assert says in _errors(error)[field]


def test_subject_and_body_errors_are_reported_together():
    with pytest.raises(ValidationError) as error:
        mail.render_written(subject="{{ x.y }}", body="{% if %}", values=VALUES)

    assert set(error.value.message_dict) == {"subject", "body"}


def test_names_the_text_binds_itself_are_not_unknown():
    body = "{% with name=candidate.first_name %}<p>{{ name }}</p>{% endwith %}"

    _, html, _ = mail.render_written(subject="Hi", body=body, values=VALUES)

    assert html == "<p>Ada</p>"
    assert rendering.check(body) == ([], [])


def test_a_saved_template_still_only_warns_about_unknown_variables():
    assert rendering.check("{{ candidate.nickname }}") == (
        [],
        ["template: unknown variable “candidate.nickname” (it will print nothing)."],
    )


def test_text_over_the_budget_with_real_values_is_refused():
    # Two loops over the first name: 9 iterations for the sample "Ada", 40,000 for this one.
    body = "{% for a in candidate.first_name %}{% for b in candidate.first_name %}.{% endfor %}{% endfor %}"
    values = {**VALUES, "candidate.first_name": "x" * 200}

    with pytest.raises(ValidationError) as error:
        mail.render_written(subject="Hi", body=body, values=values)

    assert "repeats too much" in _errors(error)["body"]


def test_a_filter_that_fails_on_text_is_refused():
    body = "<p>{{ job.title|divisibleby:2 }}</p>"

    with pytest.raises(ValidationError) as error:
        mail.render_written(subject="Hi", body=body, values=VALUES)

    assert "can't be rendered" in _errors(error)["body"]


def test_tracked_links_survive_the_cleaning():
    organization = OrganizationFactory()
    subject, html, _ = mail.render_written(
        subject="Hi", body='<p onclick="x()"><a href="{{ job.url }}">The job</a></p>', values=VALUES
    )

    message = mail.queue_email(organization=organization, to=["ada@example.com"], subject=subject, html=html)

    assert message.links == ["https://careers.example.com/acme/welder/"]
    assert f"/mail/c/{message.tracking_token}/0/" in message.html_body
    assert "onclick" not in message.html_body


def test_the_preview_of_a_tracked_link_shows_its_address():
    _, html, _ = mail.render_written(subject="Hi", body='<a href="{{ job.url }}?a=1&b=2">Job</a>', values=VALUES)

    url = "https://careers.example.com/acme/welder/?a=1&b=2"
    assert html == '<a href="https://careers.example.com/acme/welder/?a=1&amp;b=2" rel="noopener noreferrer">Job</a>'
    [(start, end, tracked)] = html.tracked
    assert (html[start:end], tracked) == ("https://careers.example.com/acme/welder/?a=1&amp;b=2", url)


def test_written_text_goes_to_many_each_rendered_for_its_recipient():
    organization = OrganizationFactory()
    recipients = [
        (f"{name.lower()}@example.com", {**VALUES, "candidate.first_name": name}, None) for name in ("Ada", "Grace")
    ]

    messages = mail.queue_written(
        organization=organization, subject="For {{ candidate.first_name }}",
        body="<p>Hi {{ candidate.first_name }}</p>", recipients=recipients, reply_to="riley@example.com",
    )  # fmt: skip

    rows = EmailMessage.objects.order_by("subject")
    # Each body sits in the organisation's layout (mail.branding), once.
    assert [(m.to, m.subject, m.html_body.count("<p>Hi Ada</p>"), m.html_body.count("<p>Hi Grace</p>"), m.reply_to)
            for m in rows] == [
        (["ada@example.com"], "For Ada", 1, 0, "riley@example.com"),
        (["grace@example.com"], "For Grace", 0, 1, "riley@example.com"),
    ]  # fmt: skip
    assert len(messages) == 2
    assert EmailEvent.objects.filter(kind="queued").count() == 2


def test_many_recipients_are_all_or_nothing_and_the_error_says_for_whom():
    organization = OrganizationFactory()
    body = "{% for a in candidate.first_name %}{% for b in candidate.first_name %}.{% endfor %}{% endfor %}"
    recipients = [
        ("short@example.com", {**VALUES, "candidate.first_name": "Al"}, None),
        ("long@example.com", {**VALUES, "candidate.first_name": "x" * 200}, None),
    ]

    with pytest.raises(ValidationError) as error:
        mail.queue_written(organization=organization, subject="Hi", body=body, recipients=recipients)

    assert "for long@example.com" in _errors(error)["body"]
    assert not EmailMessage.objects.exists()


# --- CC ---------------------------------------------------------------------------------------


def test_cc_addresses_are_stripped_and_kept_once():
    assert mail.clean_addresses([" a@example.com", "", "A@example.com", "b@example.com "]) == [
        "a@example.com",
        "b@example.com",
    ]


@pytest.mark.parametrize(
    ("addresses", "says"),
    [
        (["not-an-address"], "Not an email address: not-an-address."),
        (["a@example.com\nBcc: evil@example.com"], "Not an email address"),
        (["Bob <bob@example.com>"], "Not an email address"),
        ([f"p{n}@example.com" for n in range(6)], "At most 5 addresses"),
    ],
)
def test_bad_cc_addresses_are_refused(addresses, says):
    with pytest.raises(ValidationError) as error:
        mail.clean_addresses(addresses)

    assert says in error.value.messages[0]


def test_cc_is_stored_and_sent_as_cc(mailoutbox, django_capture_on_commit_callbacks):
    organization = OrganizationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        message = mail.queue_email(
            organization=organization, to=["ada@example.com"], cc=["boss@example.com"], subject="Hi", html="<p>Hi</p>"
        )

    message.refresh_from_db()
    assert message.cc == ["boss@example.com"]
    assert build(message).message()["Cc"] == "boss@example.com"
    assert mailoutbox[0].cc == ["boss@example.com"]
    assert mailoutbox[0].to == ["ada@example.com"]


def test_queue_email_refuses_a_bad_cc():
    with pytest.raises(ValidationError):
        mail.queue_email(organization=None, to=["ada@example.com"], cc=["nope"], subject="Hi", text="Hi")

    assert not EmailMessage.objects.exists()
