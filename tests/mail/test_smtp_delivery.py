"""Delivery through Django's real SMTP backend to a real SMTP server (aiosmtpd), retries included."""

import socket
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from mail import services, tasks
from mail.defaults import ensure_default_templates
from mail.models import EmailEvent, EmailMessage, EmailTemplate
from pipeline.applications.emails import send_to_candidate, values_for
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# An edited acknowledgement with a link, so there is something for the click tracking to rewrite.
LINK_PARAGRAPH = '<p>See <a href="{{ links.careers }}">our other jobs</a>.</p>'


@pytest.fixture
def acknowledgement(organization):
    ensure_default_templates(organization)
    template = EmailTemplate.objects.get(organization=organization, key="acknowledgement")
    template.html_body += LINK_PARAGRAPH
    template.save()
    return template


def queue_acknowledgement(application):
    return services.send_template(
        organization=application.job.organization,
        key="acknowledgement",
        to=[application.candidate.email],
        values=values_for(application),
        related=application,
    )


def make_due(message):
    """Time passes without sleeping: the retry time is moved into the past."""
    EmailMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The sweeper as the scheduler runs it: outside any transaction, so the batches it queues run
    (in this process: the test settings make django-q2 synchronous)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.deliver_due()

    return run


def event_kinds(message):
    return list(message.events.order_by("pk").values_list("kind", flat=True))


def parts(received):
    """(text, html) of one received multipart/alternative message."""
    return received.get_body(("plain",)).get_content(), received.get_body(("html",)).get_content()


# --- A message delivered -----------------------------------------------------------------


def test_acknowledgement_after_applying_arrives_over_smtp(
    client, job, acknowledgement, smtp_backend, django_capture_on_commit_callbacks
):
    data = {"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com", "resume": pdf_upload()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/careers/{job.organization.slug}/{job.slug}/apply/", {**data, "consent": "on"})

    assert response.status_code == 302
    message = EmailMessage.objects.get()
    assert message.template == acknowledgement
    assert len(smtp_backend.received) == 1
    envelope = smtp_backend.received[0]
    assert envelope.rcpt_tos == ["jane.doe@example.com"]
    assert envelope.mail_from == "noreply@localhost"
    received = smtp_backend.messages()[0]
    assert received["To"] == "jane.doe@example.com"
    assert "Jane" in received["Subject"]
    assert "Backend Engineer" in received["Subject"]
    assert received["Message-ID"] == message.message_id
    assert received["Reply-To"] is None  # no person sent it
    assert received.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in received.iter_parts()] == ["text/plain", "text/html"]
    text, html = parts(received)
    assert "Hello Jane," in text
    assert "Hello Jane," in html
    token = message.tracking_token
    assert f"/mail/o/{token}.gif" in html
    assert "/mail/o/" not in text
    assert "/mail/c/" not in text
    careers = f"http://127.0.0.1:8000/careers/{job.organization.slug}/"
    # The candidate's status link (issue 16) is tracked too, and its plain-text line goes straight to it.
    status = message.context["application.status_url"]
    assert status.startswith(f"http://127.0.0.1:8000/careers/{job.organization.slug}/")
    assert sorted(message.links) == sorted([careers, status])
    for index in range(len(message.links)):
        assert f'href="http://127.0.0.1:8000/mail/c/{token}/{index}/"' in html
    assert f'href="{careers}"' not in html
    assert f'href="{status}"' not in html
    assert status in text
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.last_error == ""
    assert event_kinds(message) == [EmailEvent.Kind.QUEUED, EmailEvent.Kind.SENT]


def test_links_in_the_received_email_lead_to_the_original_page(
    client, application, acknowledgement, smtp_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_acknowledgement(application)
    _, html = parts(smtp_backend.messages()[0])

    click = client.get(f"/mail/c/{message.tracking_token}/0/")
    pixel = client.get(f"/mail/o/{message.tracking_token}.gif")

    assert f"/mail/c/{message.tracking_token}/0/" in html
    assert click.status_code == 302
    assert click.url == f"http://127.0.0.1:8000/careers/{application.job.organization.slug}/"
    assert pixel["Content-Type"] == "image/gif"
    message.refresh_from_db()
    assert message.clicked_at is not None
    assert message.opened_at is not None


def test_a_recruiters_email_replies_to_the_recruiter(
    application, recruiter, smtp_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_to_candidate(application=application, key="acknowledgement", sender=recruiter)

    received = smtp_backend.with_message_id(message.message_id)
    assert len(received) == 1
    assert received[0]["Reply-To"] == recruiter.email
    assert received[0]["To"] == "ada@example.com"
    assert "Ada" in received[0]["Subject"]
    assert recruiter.get_full_name() in parts(received[0])[1]
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT
    assert message.sent_by == recruiter


def test_the_task_run_twice_delivers_once(application, acknowledgement, smtp_backend):
    message = queue_acknowledgement(application)  # on_commit never fires here: nothing sent yet
    assert smtp_backend.received == []

    tasks.deliver(message.pk)
    tasks.deliver(message.pk)

    assert len(smtp_backend.with_message_id(message.message_id)) == 1
    assert len(smtp_backend.received) == 1
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT
    assert message.attempts == 1
    assert event_kinds(message).count(EmailEvent.Kind.SENT) == 1


def test_a_message_whose_retry_time_has_not_come_is_left_alone(sweep, application, acknowledgement, smtp_backend):
    message = queue_acknowledgement(application)
    EmailMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))

    assert sweep() == 0
    tasks.deliver(message.pk)

    assert smtp_backend.received == []
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.QUEUED
    assert message.attempts == 0


# --- The server is down ----------------------------------------------------------------------


def test_refused_connection_queues_a_retry_after_the_first_delay(
    application, acknowledgement, smtp_backend, django_capture_on_commit_callbacks
):
    smtp_backend.stop()

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_acknowledgement(application)
    after = timezone.now()

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.QUEUED
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert before + services.RETRY_DELAYS[0] <= message.next_attempt_at <= after + services.RETRY_DELAYS[0]
    assert message.sent_at is None
    assert event_kinds(message) == [EmailEvent.Kind.QUEUED, EmailEvent.Kind.RETRYING]


def test_retries_when_due_then_fails_after_the_last_try(
    sweep, application, acknowledgement, smtp_backend, client_for, owner, django_capture_on_commit_callbacks
):
    smtp_backend.stop()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_acknowledgement(application)

    assert sweep() == 0  # the first retry is two minutes away
    make_due(message)
    before = timezone.now()
    assert sweep() == 1
    after = timezone.now()

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.QUEUED
    assert message.attempts == 2
    assert before + services.RETRY_DELAYS[1] <= message.next_attempt_at <= after + services.RETRY_DELAYS[1]

    make_due(message)
    assert sweep() == 1

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.FAILED
    assert message.attempts == services.MAX_ATTEMPTS == 3
    assert message.next_attempt_at is None
    assert "ConnectionRefusedError" in message.last_error
    assert sweep() == 0
    assert event_kinds(message) == ["queued", "retrying", "retrying", "failed"]
    page = client_for(owner).get(f"/mail/outbox/{message.pk}/")
    assert page.status_code == 200
    assert "Last error:" in page.text
    assert "ConnectionRefusedError" in page.text
    assert f'action="/mail/outbox/{message.pk}/retry/"' in page.text
    assert "Retry</button>" in page.text
    assert smtp_backend.received == []


def test_retry_by_hand_once_the_server_is_back_delivers_exactly_once(
    sweep, application, acknowledgement, smtp_backend, client_for, owner, django_capture_on_commit_callbacks
):
    smtp_backend.stop()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_acknowledgement(application)
    for _ in range(services.MAX_ATTEMPTS - 1):
        make_due(message)
        sweep()
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.FAILED
    smtp_backend.start()
    client = client_for(owner)
    retry_url = f"/mail/outbox/{message.pk}/retry/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)

    assert response.status_code == 302
    assert response.url == f"/mail/outbox/{message.pk}/"
    assert len(smtp_backend.with_message_id(message.message_id)) == 1
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT
    assert message.sent_at is not None
    assert message.last_error == ""
    assert event_kinds(message)[-2:] == [EmailEvent.Kind.QUEUED, EmailEvent.Kind.SENT]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(retry_url, follow=True)

    assert callbacks == []
    assert "Only a failed message can be retried." in again.text
    assert "Retry</button>" not in again.text
    services.deliver(message.pk)
    assert len(smtp_backend.received) == 1
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT


def test_a_timeout_after_the_server_took_the_message_fails_without_an_automatic_retry(
    sweep, settings, application, acknowledgement, smtp_backend, django_capture_on_commit_callbacks
):
    smtp_backend.hang_after_data = True  # stored, but the "250" never comes
    settings.EMAIL_TIMEOUT = 1

    with django_capture_on_commit_callbacks(execute=True):
        message = queue_acknowledgement(application)

    assert len(smtp_backend.received) == 1
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("Delivery unclear")
    assert message.next_attempt_at is None
    assert sweep() == 0
    assert len(smtp_backend.received) == 1


@pytest.fixture
def greetingless_server(settings):
    """A port that accepts connections and closes them before any SMTP greeting (a proxy with no mail
    server behind it): the message certainly never reached a server."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # the listener was shut down
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield
    listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
    listener.close()
    thread.join(timeout=5)


def test_a_connection_closed_before_the_greeting_is_retried_automatically(
    greetingless_server, application, acknowledgement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_acknowledgement(application)

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at is not None
