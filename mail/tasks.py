"""Background tasks: take ids, re-fetch, and return quietly when the row is gone."""

from django.utils import timezone

from . import services
from .models import EmailMessage


def deliver(message_id):
    services.deliver(message_id)


def deliver_due():
    """Every minute: messages whose retry time has come go back to the worker."""
    due = EmailMessage.objects.filter(status=EmailMessage.Status.QUEUED, next_attempt_at__lte=timezone.now())
    ids = list(due.values_list("pk", flat=True)[:500])
    for message_id in ids:
        services.deliver(message_id)
    return len(ids)


def deliver_many(message_ids):
    for message_id in message_ids:
        services.deliver(message_id)
