"""Telling senders that an email could not be delivered, from the outbox's own record of failures."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mail.models import EmailEvent

from .models import Category, Checkpoint
from .services import notify

CHECKPOINT = "failed-deliveries"
# A failure written just before the last run but committed after it has an earlier time than the
# checkpoint: each run looks this far back again, and the notification's key makes a second look harmless.
OVERLAP = timedelta(minutes=5)
BATCH = 200


@transaction.atomic
def notify_failed_deliveries(*, now=None):
    """Tell each failed message's sender, once per failure; returns how many failures were read.

    Only messages someone sent: the site's own and every notification email have no sender, so a
    notification that fails to arrive never notifies (nor loops).
    """
    now = now or timezone.now()
    checkpoint, _ = Checkpoint.objects.select_for_update().get_or_create(
        name=CHECKPOINT, defaults={"at": now - timedelta(days=1)}
    )
    failures = EmailEvent.objects.filter(
        kind=EmailEvent.Kind.FAILED, message__sent_by__isnull=False, message__organization__isnull=False
    ).select_related("message__sent_by", "message__organization")
    page = failures.filter(created_at__gte=checkpoint.at - OVERLAP)
    read = 0
    while True:
        batch = list(page.order_by("created_at", "pk")[:BATCH])
        for event in batch:
            _tell_sender(event)
        read += len(batch)
        if batch:
            checkpoint.at = max(checkpoint.at, batch[-1].created_at)
        if len(batch) < BATCH:
            break
        # A burst bigger than a batch: go on after the last one read (by time, then id, as several share a time).
        last = batch[-1]
        page = failures.filter(Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, pk__gt=last.pk))
    checkpoint.save(update_fields=["at"])
    return read


def _tell_sender(event):
    message = event.message
    to = ", ".join(message.to) or "its recipient"
    notify(
        category=Category.EMAIL_FAILED,
        recipients=[message.sent_by],
        organization=message.organization,
        key=f"email_failed:{event.pk}",
        title=f"“{message.subject}” to {to} could not be delivered",
        body=message.last_error[:500],
        url=reverse("mail:message", args=[message.pk]),
        target=message,
        subject=message.subject,
        group_key="email_failed",
    )
