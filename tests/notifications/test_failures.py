"""A member's email that could not be delivered tells that member, once; an email nobody sent (the
site's own, a notification's) tells nobody."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mail import services as mail
from mail.models import EmailEvent, EmailMessage
from notifications.failures import BATCH
from notifications.models import Category, Email, Notification, NotificationPreference
from notifications.services import notify
from notifications.tasks import notify_failed_deliveries

pytestmark = pytest.mark.django_db


def fail(message, reason="SMTPRecipientsRefused: no such user"):
    """What the outbox records when it gives up on a message."""
    EmailMessage.objects.filter(pk=message.pk).update(status=EmailMessage.Status.FAILED, last_error=reason)
    return EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.FAILED, detail=reason)


def sent_by(user, organization, subject="Your interview on Monday", to="ada@example.com"):
    return mail.queue_email(organization=organization, to=[to], subject=subject, text="Hello", sent_by=user)


def failure_notices(user=None):
    rows = Notification.objects.filter(category=Category.EMAIL_FAILED)
    return rows.filter(recipient=user) if user is not None else rows


def test_a_failed_email_tells_its_sender(organization, recruiter):
    message = sent_by(recruiter, organization)
    event = fail(message)

    assert notify_failed_deliveries() == 1

    [row] = failure_notices(recruiter)
    assert row.title == "“Your interview on Monday” to ada@example.com could not be delivered"
    assert row.body == "SMTPRecipientsRefused: no such user"
    assert row.url == f"/mail/outbox/{message.pk}/"
    assert row.key == f"email_failed:{event.pk}"
    # Addressed to them personally: emailed at once by default.
    assert EmailMessage.objects.filter(to=[recruiter.email], subject=row.title).count() == 1


def test_the_task_running_twice_tells_the_sender_once(organization, recruiter):
    fail(sent_by(recruiter, organization))

    notify_failed_deliveries()
    notify_failed_deliveries()

    assert failure_notices(recruiter).count() == 1
    assert EmailMessage.objects.filter(to=[recruiter.email]).count() == 1


def test_a_failed_email_without_a_sender_tells_nobody(organization, recruiter):
    anonymous = mail.queue_email(
        organization=organization, to=["ada@example.com"], subject="Thanks for applying", text="x"
    )
    fail(anonymous)
    fail(sent_by(recruiter, organization, subject="Offer"))

    assert notify_failed_deliveries() == 1  # only the one with a sender is read

    assert [row.title for row in failure_notices()] == ["“Offer” to ada@example.com could not be delivered"]


def test_a_failed_notification_email_tells_nobody(organization, recruiter, member):
    colleague = member(name="Colin Colleague")
    notify(category=Category.MENTION, recipients=[colleague], organization=organization, key="m", title="Named")
    notification_email = EmailMessage.objects.get(to=[colleague.email], subject="Named")
    assert notification_email.sent_by is None
    fail(notification_email)

    assert notify_failed_deliveries() == 0

    assert not failure_notices().exists()
    assert Notification.objects.filter(recipient=colleague, title="Named").count() == 1


def test_a_failed_failure_notice_does_not_loop(organization, recruiter):
    fail(sent_by(recruiter, organization))
    notify_failed_deliveries()
    notice_email = EmailMessage.objects.get(to=[recruiter.email])
    fail(notice_email)

    notify_failed_deliveries()
    notify_failed_deliveries()

    assert failure_notices(recruiter).count() == 1
    assert EmailMessage.objects.filter(to=[recruiter.email]).count() == 1


def test_a_sender_who_left_the_organisation_is_not_told(organization, member):
    leaver = member(name="Lee Leaver")
    message = sent_by(leaver, organization)
    leaver.memberships.update(is_active=False)
    fail(message)

    assert notify_failed_deliveries() == 1

    assert not failure_notices(leaver).exists()
    assert EmailEvent.objects.filter(message=message, kind=EmailEvent.Kind.FAILED).count() == 1


def test_a_burst_of_more_failures_than_one_batch_still_reaches_every_sender(organization, recruiter, member):
    # An outage during a bulk send: more failures within a couple of minutes than one run reads (BATCH),
    # then one more. Every run reads again from OVERLAP before its checkpoint, so it must still move on.
    bulk_sender = member(name="Bulk Sender")
    NotificationPreference.objects.create(user=bulk_sender, category=Category.EMAIL_FAILED, email=Email.OFF)
    start = timezone.now() - timedelta(minutes=10)
    EmailMessage.objects.bulk_create(
        EmailMessage(
            organization=organization,
            to=[f"bad{n}@example.com"],
            subject=f"Bulk {n}",
            sent_by=bulk_sender,
            status=EmailMessage.Status.FAILED,
            tracking_token=f"burst-{n}",
        )
        for n in range(BATCH)
    )
    burst = EmailMessage.objects.filter(sent_by=bulk_sender).order_by("pk")
    EmailEvent.objects.bulk_create(
        EmailEvent(message=message, kind=EmailEvent.Kind.FAILED, created_at=start + timedelta(seconds=n / 5))
        for n, message in enumerate(burst)
    )
    last = sent_by(recruiter, organization, subject="After the burst")
    EmailEvent.objects.create(message=last, kind=EmailEvent.Kind.FAILED, created_at=start + timedelta(minutes=2))

    for _ in range(3):  # the task runs every few minutes
        notify_failed_deliveries()

    assert failure_notices(bulk_sender).count() == BATCH
    assert [row.title for row in failure_notices(recruiter)] == [
        "“After the burst” to ada@example.com could not be delivered"
    ]
