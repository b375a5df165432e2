"""Email you can edit: the services (pipeline.applications.emails.send_written, send_written_to_applications)
and the two pages that use them, /applications/<id>/email/ and /jobs/<id>/email/."""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mail.branding import message_of
from mail.models import EmailMessage, EmailTemplate
from pipeline.applications.emails import send_written, send_written_to_applications
from tests.factories import ApplicationFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

SUBJECT = "About {{ job.title }}"
BODY = "<p>Hello {{ candidate.first_name }},</p><p>Could you call me?</p>"


def _without_pixel(html):
    """The HTML as written: the open pixel (the last image) is the outbox's own, and the layout around
    the message the organisation's (mail.branding)."""
    assert "/mail/o/" in html.rsplit("<img", 1)[1]
    return message_of(html.rsplit("<img", 1)[0])


# --- send_written -------------------------------------------------------------------------------


def test_send_written_to_the_candidate_alone_carries_their_status_link(application, recruiter):
    message = send_written(application=application, subject=SUBJECT, body=BODY, sender=recruiter)

    # After the text, the lines the organisation's layout adds (mail.branding): the status link.
    text, _, link = message.text_body.partition("\n\nView your application status: ")
    assert text == "Hello Ada,\n\nCould you call me?"
    assert link.startswith("http") and "/-/status/" in link


def test_send_written_queues_the_text_rendered_for_the_candidate(application, recruiter):
    template = EmailTemplate.objects.get(organization=application.job.organization, key="screening_invitation")

    message = send_written(
        application=application, subject=SUBJECT, body=BODY, cc=["boss@example.com"], sender=recruiter,
        template=template,
    )  # fmt: skip

    message.refresh_from_db()
    assert message.to == ["ada@example.com"]
    assert message.cc == ["boss@example.com"]
    assert message.subject == "About Backend Engineer"
    assert _without_pixel(message.html_body) == "<p>Hello Ada,</p><p>Could you call me?</p>"
    # Copied to someone else: no status link (whoever holds it may withdraw the person).
    assert "View your application status" not in message.text_body
    assert message.reply_to == recruiter.email
    assert (message.related, message.template, message.sent_by) == (application, template, recruiter)
    assert message.status == EmailMessage.Status.QUEUED


def test_send_written_cleans_the_html(application, recruiter):
    body = '<p>Hi</p><script>alert(1)</script><div hx-post="/x" hx-trigger="load">y</div>'

    message = send_written(application=application, subject="Hi", body=body, sender=recruiter)

    assert _without_pixel(message.html_body) == "<p>Hi</p><div>y</div>"


def test_send_written_with_the_same_key_sends_once(application, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_written(application=application, subject="Hi", body="<p>One</p>", idempotency_key="offer:1")
        again = send_written(application=application, subject="Hi", body="<p>Two</p>", idempotency_key="offer:1")

    assert again.pk == first.pk
    assert EmailMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_send_written_without_a_sender_replies_to_no_one(application):
    message = send_written(application=application, subject="Hi {{ sender.name }}", body="<p>x</p><p>y</p>")

    assert (message.reply_to, message.sent_by, message.subject) == ("", None, "Hi")


def test_send_written_refuses_text_it_cannot_render(application):
    with pytest.raises(ValidationError) as error:
        send_written(application=application, subject="Hi {{ candidate.nick }}", body="<p>{% if %}</p>")

    assert set(error.value.message_dict) == {"subject", "body"}
    assert "unknown variable “candidate.nick”" in error.value.message_dict["subject"][0]
    assert not EmailMessage.objects.exists()


def test_send_written_refuses_a_bad_cc(application):
    with pytest.raises(ValidationError, match="Not an email address"):
        send_written(application=application, subject="Hi", body="<p>x</p>", cc=["nope"])

    assert not EmailMessage.objects.exists()


def test_send_written_refuses_another_organisations_template(application, other_organization):
    template = EmailTemplate.objects.create(
        organization=other_organization, key="theirs", name="Theirs", subject="x", html_body="x"
    )

    with pytest.raises(ValueError):
        send_written(application=application, subject="Hi", body="<p>x</p>", template=template)


# --- send_written_to_applications ---------------------------------------------------------------


def _applications(job, count):
    return list(bulk_applications(job, count).select_related("candidate", "current_stage", "job__organization"))


def test_each_application_gets_the_text_rendered_for_its_candidate(job, recruiter):
    applications = _applications(job, 3)

    messages = send_written_to_applications(applications=applications, subject=SUBJECT, body=BODY, sender=recruiter)

    assert len(messages) == 3
    for application in applications:
        message = EmailMessage.objects.get(object_id=application.pk)
        assert message.to == [application.candidate.email]
        assert message.subject == "About Backend Engineer"
        assert _without_pixel(message.html_body).startswith(f"<p>Hello {application.candidate.first_name},</p>")
        assert (message.reply_to, message.cc) == (recruiter.email, [])


def test_no_applications_queue_nothing(recruiter):
    assert send_written_to_applications(applications=[], subject="Hi", body="<p>x</p>", sender=recruiter) == []


def _queries_to_send(job, count, recruiter):
    applications = _applications(job, count)
    with CaptureQueriesContext(connection) as queries:
        send_written_to_applications(applications=applications, subject=SUBJECT, body=BODY, sender=recruiter)
    return len(queries)


def test_sending_to_many_costs_the_same_queries_as_to_few(organization, recruiter):
    _queries_to_send(make_job(organization, title="Warm-up"), 1, recruiter)  # the content type cache

    few = _queries_to_send(make_job(organization, title="Few"), 3, recruiter)
    many = _queries_to_send(make_job(organization, title="Many"), 30, recruiter)

    assert few == many
    assert EmailMessage.objects.count() == 34


def test_applications_of_two_organisations_are_refused(job, recruiter, other_organization):
    theirs = make_job(other_organization, title="Theirs")
    applications = [ApplicationFactory(job=job), ApplicationFactory(job=theirs)]

    with pytest.raises(ValueError):
        send_written_to_applications(applications=applications, subject="Hi", body="<p>x</p>", sender=recruiter)


# --- The candidate page's email: /applications/<id>/email/ ---------------------------------------

HTMX = {"HX-Request": "true"}
# Two loops over the full name: 156 iterations for the sample "Ada Lovelace", 40,602 for a 201-letter name.
LOOPS = "{% for a in candidate.full_name %}{% for b in candidate.full_name %}.{% endfor %}{% endfor %}"
HOSTILE = (
    '<p>Hi</p><script>document.title="owned"</script>'
    '<div hx-get="/jobs/" hx-trigger="load" hx-target="body">x</div><img src=x onerror="alert(1)">'
)


def _url(application):
    return f"/applications/{application.pk}/email/"


def _live(page):
    """(attributes, inline scripts) of the page's elements: text escaped in a textarea is no element."""
    parser = _Elements()
    parser.feed(page)
    return parser.attributes, parser.scripts


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attributes, self.scripts, self._in_script = set(), [], False

    def handle_starttag(self, tag, attrs):
        self.attributes |= {(name, value) for name, value in attrs}
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts.append(data)


def _assert_nothing_hostile_is_live(page):
    attributes, scripts = _live(page)
    hostile = {("hx-get", "/jobs/"), ("hx-trigger", "load"), ("hx-target", "body"), ("onerror", "alert(1)")}
    assert not attributes & hostile
    assert not [name for name, _ in attributes if name.startswith("on")]
    assert scripts == []  # no inline script at all (CSP): ours are files


def _post(client, application, **data):
    return client.post(_url(application), {"template": "", "subject": SUBJECT, "body": BODY, "cc": "", **data})


def test_the_page_starts_blank(recruiter_client, application):
    response = recruiter_client.get(_url(application))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["subject"].value(), form["body"].value(), form["template"].value()) == (None, None, None)
    assert '<option value="">Blank</option>' in response.text
    assert response.context["preview"] is None
    assert "press Preview" in response.text


def test_choosing_a_template_fills_the_fields_with_its_source(recruiter_client, application):
    response = recruiter_client.get(_url(application), {"template": "screening_invitation"})

    assert response.status_code == 200
    assert 'name="subject" value="Next step for {{ job.title }}"' in response.text
    assert "&lt;p&gt;Hello {{ candidate.first_name }},&lt;/p&gt;" in response.text  # in the textarea, escaped
    assert '<input type="hidden" name="template" value="screening_invitation"' in response.text
    assert '<option value="screening_invitation" selected>' in response.text
    subject, html, _ = response.context["preview"]
    assert subject == "Next step for Backend Engineer"
    assert html.startswith("<p>Hello Ada,</p>")


def test_choosing_a_template_with_htmx_swaps_the_compose_area(recruiter_client, application):
    response = recruiter_client.get(_url(application), {"template": "offer"}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="compose"')
    assert "<html" not in response.text and 'id="start-from"' not in response.text
    assert 'value="Your offer from {{ organization.name }}"' in response.text


def test_a_history_restore_gets_the_whole_page(recruiter_client, application):
    response = recruiter_client.get(
        _url(application), {"template": "offer"}, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" in response.text


def test_a_template_of_another_organisation_is_not_offered(recruiter_client, application, other_organization):
    EmailTemplate.objects.create(
        organization=other_organization, key="theirs", name="Theirs", subject="s", html_body="b"
    )

    page = recruiter_client.get(_url(application), {"template": "theirs"})
    posted = _post(recruiter_client, application, template="theirs", confirm="1")

    assert page.status_code == 200
    assert page.context["form"]["subject"].value() is None
    assert "Theirs" not in page.text
    assert posted.status_code == 400
    assert not EmailMessage.objects.exists()


def test_preview_shows_the_edited_text_as_the_candidate_gets_it(recruiter_client, application):
    response = _post(recruiter_client, application, subject="<b>For {{ candidate.first_name }}</b>")

    assert response.status_code == 200
    subject, html, _ = response.context["preview"]
    assert subject == "<b>For Ada</b>"
    assert html.startswith("<p>Hello Ada,</p><p>Could you call me?</p>")
    # The subject is plain text: printed escaped, in the input and in the preview alike.
    assert '<div class="fw-semibold mb-2">&lt;b&gt;For Ada&lt;/b&gt;</div>' in response.text
    assert "<b>For Ada</b>" not in response.text
    assert 'value="&lt;b&gt;For {{ candidate.first_name }}&lt;/b&gt;"' in response.text
    assert not EmailMessage.objects.exists()


def test_send_queues_the_edited_text_with_its_cc(recruiter_client, recruiter, application):
    response = _post(
        recruiter_client, application, template="screening_invitation", cc="boss@example.com, Lead@Example.com",
        subject="Call about {{ job.title }}?", confirm="1",
    )  # fmt: skip

    assert response.status_code == 302
    assert response.url == f"/candidates/{application.candidate_id}/"
    message = EmailMessage.objects.get()
    assert message.to == ["ada@example.com"]
    assert message.cc == ["boss@example.com", "Lead@Example.com"]
    assert message.subject == "Call about Backend Engineer?"
    assert _without_pixel(message.html_body) == "<p>Hello Ada,</p><p>Could you call me?</p>"
    assert (message.template.key, message.related, message.reply_to) == (
        "screening_invitation",
        application,
        recruiter.email,
    )


def test_the_cc_is_sent_as_cc(recruiter_client, application, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(recruiter_client, application, cc="boss@example.com", confirm="1")

    assert len(mailoutbox) == 1
    assert (mailoutbox[0].to, mailoutbox[0].cc) == (["ada@example.com"], ["boss@example.com"])
    assert mailoutbox[0].message()["Cc"] == "boss@example.com"


def test_send_clicked_twice_sends_once(recruiter_client, application, mailoutbox, django_capture_on_commit_callbacks):
    once = recruiter_client.get(_url(application)).context["form"]["once"].value()

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(recruiter_client, application, once=once, confirm="1")
        second = _post(recruiter_client, application, once=once, confirm="1")

    assert (first.status_code, second.status_code) == (302, 302)
    assert EmailMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_each_page_sends_its_own_email(recruiter_client, application):
    for _ in range(2):
        once = recruiter_client.get(_url(application)).context["form"]["once"].value()
        _post(recruiter_client, application, once=once, confirm="1")

    assert EmailMessage.objects.count() == 2


def test_the_send_once_token_is_kept_through_a_preview(recruiter_client, application):
    once = recruiter_client.get(_url(application)).context["form"]["once"].value()

    preview = _post(recruiter_client, application, once=once)

    assert f'<input type="hidden" name="once" value="{once}"' in preview.text


def test_a_blank_email_is_sent_without_a_template(recruiter_client, application):
    response = _post(recruiter_client, application, subject="Quick question", body="<p>Are you free?</p>", confirm="1")

    assert response.status_code == 302
    message = EmailMessage.objects.get()
    assert (message.subject, message.template) == ("Quick question", None)


@pytest.mark.parametrize(
    ("typed", "field", "says"),
    [
        ({"subject": "Hi {{ candidate.nickname }}"}, "subject", "unknown variable “candidate.nickname”"),
        ({"body": "<p>{% if %}</p>"}, "body", "Body (line 1)"),
        ({"body": "{% include 'base.html' %}"}, "body", "isn't allowed in email templates"),
        ({"body": LOOPS}, "body", "repeats too much"),
        ({"body": "<script>x</script>"}, "body", "nothing is left to send"),
        ({"subject": ""}, "subject", "This field is required"),
        ({"subject": "x" * 256}, "subject", "at most 255 characters"),
        ({"cc": "boss@example.com, not an address"}, "cc", "Not an email address: not, an, address."),
        ({"cc": "a@x.test\r\nBcc: b@x.test"}, "cc", "Not an email address: Bcc:"),
        ({"cc": ",".join(f"p{n}@example.com" for n in range(6))}, "cc", "At most 5 addresses"),
        ({"template": "no-such-template"}, "template", "Select a valid choice"),
    ],
)
@pytest.mark.parametrize("confirm", ["1", None], ids=["send", "preview"])
def test_text_that_cannot_be_sent_is_a_form_error_that_keeps_what_was_typed(
    recruiter_client, application, typed, field, says, confirm
):
    application.candidate.first_name, application.candidate.last_name = "x" * 100, "y" * 100
    application.candidate.save()
    data = {**typed, **({"confirm": confirm} if confirm else {})}

    response = _post(recruiter_client, application, **data)

    assert response.status_code == 400
    assert says in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["body"].value() == data.get("body", BODY)
    assert response.context["preview"] is None
    assert not EmailMessage.objects.exists()


def test_a_script_or_htmx_in_the_body_is_neither_previewed_live_nor_sent(recruiter_client, application):
    preview = _post(recruiter_client, application, body=HOSTILE)
    sent = _post(recruiter_client, application, body=HOSTILE, confirm="1")

    assert preview.status_code == 200
    _, html, _ = preview.context["preview"]
    assert html == '<p>Hi</p><div>x</div><img src="x">'
    _assert_nothing_hostile_is_live(preview.text)
    # The preview sits, sandboxed, inside an element htmx leaves alone.
    assert re.search(
        r"data-hx-disable>\s*<div[^>]*>Subject</div>\s*<div[^>]*>About Backend Engineer</div>\s*<iframe [^>]*sandbox",
        preview.text,
    )
    assert sent.status_code == 302
    assert _without_pixel(EmailMessage.objects.get().html_body) == html


def test_the_page_refuses_other_methods(recruiter_client, application):
    assert recruiter_client.put(_url(application)).status_code == 405
    assert recruiter_client.delete(_url(application)).status_code == 405


def test_another_organisations_application_is_404(client_for, other_organization, application):
    stranger = client_for(other_organization.memberships.get().user)

    assert stranger.get(_url(application)).status_code == 404
    assert _post(stranger, application, confirm="1").status_code == 404
    assert not EmailMessage.objects.exists()


# --- The board's selection: /jobs/<id>/email/ ----------------------------------------------------


def _bulk_url(job):
    return f"/jobs/{job.pk}/email/"


def _bulk_post(client, job, applications, **data):
    selected = [a.pk for a in applications]
    return client.post(_bulk_url(job), {"selected": selected, "template": "", "subject": SUBJECT, "body": BODY, **data})


def test_the_bulk_page_lists_the_recipients_and_starts_blank(recruiter_client, job):
    applications = _applications(job, 2)

    response = recruiter_client.get(_bulk_url(job), {"selected": [a.pk for a in applications]})

    assert response.status_code == 200
    assert response.context["form"]["body"].value() is None
    assert "cc" not in response.context["form"].fields
    for application in applications:
        assert f"{application.candidate.full_name} &lt;{application.candidate.email}&gt;" in response.text
        assert f'<input type="hidden" name="selected" value="{application.pk}">' in response.text


def test_the_bulk_page_fills_in_a_template_with_htmx(recruiter_client, job):
    applications = _applications(job, 2)

    response = recruiter_client.get(
        _bulk_url(job), {"selected": [a.pk for a in applications], "template": "rejection"}, headers=HTMX
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="compose"')
    assert 'value="Your application for {{ job.title }}"' in response.text
    assert response.context["preview"][1].startswith(f"<p>Hello {applications[0].candidate.first_name},</p>")


def test_the_bulk_preview_is_the_first_recipients(recruiter_client, job):
    applications = _applications(job, 2)

    response = _bulk_post(recruiter_client, job, applications, subject="For {{ candidate.first_name }}")

    assert response.status_code == 200
    assert response.context["preview"][0] == f"For {applications[0].candidate.first_name}"
    assert not EmailMessage.objects.exists()


def test_the_bulk_send_renders_the_edited_text_for_each_recipient(recruiter_client, recruiter, job):
    applications = _applications(job, 3)

    response = _bulk_post(
        recruiter_client,
        job,
        applications,
        template="rejection",
        subject="{{ candidate.first_name }}: news",
        confirm="1",
    )

    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/board/"
    rows = {m.object_id: m for m in EmailMessage.objects.all()}
    assert len(rows) == 3
    for application in applications:
        message = rows[application.pk]
        name = application.candidate.first_name
        assert (message.to, message.cc, message.subject) == ([application.candidate.email], [], f"{name}: news")
        assert _without_pixel(message.html_body) == f"<p>Hello {name},</p><p>Could you call me?</p>"
        assert (message.template.key, message.reply_to) == ("rejection", recruiter.email)


def _queries_to_send_from_the_board(client, job, count):
    applications = _applications(job, count)
    with CaptureQueriesContext(connection) as queries:
        response = _bulk_post(client, job, applications, confirm="1")
        sent = len(queries)  # before another request empties the log
    assert response.status_code == 302
    return sent


def test_the_bulk_send_costs_the_same_queries_for_3_and_30(recruiter_client, organization):
    _queries_to_send_from_the_board(recruiter_client, make_job(organization, title="Warm-up"), 1)

    few = _queries_to_send_from_the_board(recruiter_client, make_job(organization, title="Few"), 3)
    many = _queries_to_send_from_the_board(recruiter_client, make_job(organization, title="Many"), 30)

    assert few == many
    assert EmailMessage.objects.count() == 34


def test_text_that_fails_for_one_recipient_sends_to_none_and_says_whom(recruiter_client, job):
    applications = _applications(job, 2)
    long_name = applications[1].candidate
    long_name.first_name, long_name.last_name = "x" * 100, "y" * 100
    long_name.save()

    response = _bulk_post(recruiter_client, job, applications, body=LOOPS, confirm="1")

    assert response.status_code == 400
    assert f"for {long_name.email}" in response.context["form"].errors["body"][0]
    assert response.context["form"]["body"].value() == LOOPS
    assert f'name="selected" value="{applications[1].pk}"' in response.text
    assert not EmailMessage.objects.exists()


def test_an_unknown_variable_is_a_bulk_form_error(recruiter_client, job):
    applications = _applications(job, 2)

    response = _bulk_post(recruiter_client, job, applications, body="<p>{{ candidate.nickname }}</p>", confirm="1")

    assert response.status_code == 400
    assert "unknown variable “candidate.nickname”" in response.context["form"].errors["body"][0]
    assert not EmailMessage.objects.exists()


def test_a_script_or_htmx_in_the_bulk_body_is_neither_previewed_live_nor_sent(recruiter_client, job):
    applications = _applications(job, 2)

    preview = _bulk_post(recruiter_client, job, applications, body=HOSTILE)
    sent = _bulk_post(recruiter_client, job, applications, body=HOSTILE, confirm="1")

    assert preview.status_code == 200
    assert preview.context["preview"][1] == '<p>Hi</p><div>x</div><img src="x">'
    _assert_nothing_hostile_is_live(preview.text)
    assert sent.status_code == 302
    assert all("hx-" not in m.html_body and "<script" not in m.html_body for m in EmailMessage.objects.all())


def test_no_selection_goes_back_to_the_board(recruiter_client, job):
    response = recruiter_client.get(_bulk_url(job))

    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/board/"


def test_the_bulk_page_refuses_other_methods(recruiter_client, job):
    assert recruiter_client.put(_bulk_url(job)).status_code == 405


def test_another_organisations_job_is_404(client_for, other_organization, job):
    applications = _applications(job, 1)
    stranger = client_for(other_organization.memberships.get().user)

    assert stranger.get(_bulk_url(job), {"selected": applications[0].pk}).status_code == 404
    assert _bulk_post(stranger, job, applications, confirm="1").status_code == 404
    assert not EmailMessage.objects.exists()


def test_another_organisations_applications_are_not_written_to(recruiter_client, job, other_organization):
    theirs = _applications(make_job(other_organization, title="Theirs"), 1)
    mine = _applications(job, 1)

    response = _bulk_post(recruiter_client, job, [*mine, *theirs], confirm="1")

    assert response.status_code == 302
    assert list(EmailMessage.objects.values_list("to", flat=True)) == [[mine[0].candidate.email]]


def test_a_template_that_cannot_be_sent_as_it_is_says_why_beside_the_preview(recruiter_client, application):
    EmailTemplate.objects.create(
        organization=application.job.organization, key="old", name="Old", subject="Hi", html_body="{{ candidate.nick }}"
    )

    response = recruiter_client.get(_url(application), {"template": "old"})

    assert response.status_code == 200
    assert response.context["preview"] is None
    assert "unknown variable “candidate.nick”" in response.text
    assert response.context["form"]["body"].value() == "{{ candidate.nick }}"


# The fuzz table (tests/core/test_fuzz.py) knows these pages by their template parameter; their new fields here.
HOSTILE_VALUES = {
    "nul": b"a\x00b",
    "100 KB": b"x" * 100_000,
    "past 255": b"x" * 256,
    "lone surrogate": b"a\xed\xa0\x80b",
    "braces": b"{{ {% {# %} }}",
    "markup": b"<a href='javascript:x'>{{ candidate.first_name }}</a>",
}


@pytest.mark.parametrize("field", ["subject", "body", "cc", "template", "once"])
@pytest.mark.parametrize("value", list(HOSTILE_VALUES.values()), ids=list(HOSTILE_VALUES))
@pytest.mark.parametrize("confirm", [b"1", None], ids=["send", "preview"])
def test_hostile_input_in_any_field_is_never_a_500(recruiter_client, application, field, value, confirm):
    fields = {"subject": b"Hi", "body": b"<p>Hi</p>", "cc": b"", "template": b"", field: value}
    if confirm:
        fields["confirm"] = confirm
    body = urlencode(fields)

    response = recruiter_client.post(_url(application), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert not EmailMessage.objects.exists()
