"""Email you can edit: the services (pipeline.applications.emails.send_written, send_written_to_applications)
and the two pages that use them, /applications/<id>/email/ and /jobs/<id>/email/."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mail.models import EmailMessage, EmailTemplate
from pipeline.applications.emails import send_written, send_written_to_applications
from tests.factories import ApplicationFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

SUBJECT = "About {{ job.title }}"
BODY = "<p>Hello {{ candidate.first_name }},</p><p>Could you call me?</p>"


def _without_pixel(html):
    return html.split("<img", 1)[0]


# --- send_written -------------------------------------------------------------------------------


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
    assert message.text_body == "Hello Ada,\n\nCould you call me?"
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
