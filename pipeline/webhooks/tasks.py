"""Background tasks of webhooks (django-q2): take ids, re-fetch, idempotent (see services)."""

from django_q.tasks import async_task

from . import services


def send_event(event, *object_ids):
    """An event happened (reactions): one delivery per subscribed endpoint, per record."""
    for object_id in object_ids:
        services.queue_event(event=event, object_id=object_id)


def deliver(delivery_id):
    """One attempt, if the delivery is (still) due; a delivery gone or already sent is left alone."""
    services.attempt(delivery_id)


def sweep():
    """Every minute: the retries whose time has come (and first attempts whose task was lost), each
    claimed by its own task; then the bodies past their keeping time are emptied."""
    due = services.due()
    for delivery_id in due:
        async_task(services.DELIVER, delivery_id)
    return len(due), services.purge_bodies()
