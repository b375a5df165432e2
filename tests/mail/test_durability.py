"""The outbox loses nothing and doubles nothing: a lost task is found by the sweeper, a second run sends
nothing more, and a bulk send goes in chunks over reused connections. Real SMTP server (aiosmtpd)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from mail import services, tasks
from mail.defaults import ensure_default_templates
from mail.models import EmailMessage, EmailTemplate
from pipeline.applications.emails import send_to_candidate
from pipeline.applications.services import submit_application
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from tests.factories import make_job, pdf_upload

APPLICANT = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


@pytest.mark.django_db(transaction=True)
def test_a_lost_task_of_an_acknowledgement_is_delivered_once_by_the_sweepers(
    organization, smtp_backend, cluster_client, monkeypatch
):
    job = make_job(organization)
    # Committed at once (no test transaction): the application, its acknowledgement's run and the task.
    application = submit_application(job=job, values=APPLICANT, files={"resume": pdf_upload()})
    run = ActionRun.objects.get(application=application, kind="email")
    assert run.status == ActionRun.Status.PENDING
    assert OrmQ.objects.exists()

    OrmQ.objects.all().delete()  # the broker loses the tasks
    # Time passes without sleeping: the run was queued longer ago than the sweeper waits for it.
    ActionRun.objects.filter(pk=run.pk).update(enqueued_at=timezone.now() - runner.LOST_AFTER - timedelta(1))
    monkeypatch.setattr(Conf, "SYNC", True)  # the sweepers' tasks run in this process
    runner.sweep()
    runner.sweep()
    tasks.deliver_due()

    run.refresh_from_db()
    assert run.status == ActionRun.Status.DONE
    message = EmailMessage.objects.get(idempotency_key=f"ack:{application.pk}")
    assert message.status == EmailMessage.Status.SENT
    assert [envelope.rcpt_tos for envelope in smtp_backend.received] == [["ada@example.com"]]


@pytest.mark.django_db
def test_the_acknowledgement_queued_and_delivered_twice_sends_one_email(organization, smtp_backend):
    job = make_job(organization)
    application = submit_application(job=job, values=APPLICANT, files={"resume": pdf_upload()})

    # As the acknowledgement action queues it (pipeline.automation.runner): keyed by the application.
    first, second = (
        send_to_candidate(application=application, key="acknowledgement", idempotency_key=f"ack:{application.pk}")
        for _ in range(2)
    )
    tasks.deliver(first.pk)
    tasks.deliver(second.pk)

    assert first.pk == second.pk
    assert EmailMessage.objects.filter(object_id=application.pk, subject=first.subject).count() == 1
    assert len(smtp_backend.received) == 1


@pytest.mark.django_db
def test_a_200_recipient_send_goes_in_chunks_of_20_over_one_connection_each(
    organization, smtp_backend, django_capture_on_commit_callbacks
):
    ensure_default_templates(organization)
    template = EmailTemplate.objects.get(organization=organization, key="acknowledgement")
    recipients = [(f"person{n}@example.com", {}, None) for n in range(200)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.queue_many(organization=organization, template=template, recipients=recipients)

    assert len(callbacks) == 200 // services.BATCH_SIZE  # one task per chunk
    assert EmailMessage.objects.filter(status=EmailMessage.Status.SENT).count() == 200
    assert len(smtp_backend.received) == 200
    assert smtp_backend.connections == 200 // services.BATCH_SIZE
