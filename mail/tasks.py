"""Background tasks: take ids, re-fetch, and return quietly when the row is gone."""

from . import services


def deliver(message_id):
    services.deliver(message_id)


def deliver_due():
    """Every minute, the outbox's safety net: tries whose worker died are settled, then messages
    whose retry time has come, or whose task was lost, go back to the worker in batches."""
    recovered = services.recover_stuck()
    ids = list(services.due_messages().order_by("pk").values_list("pk", flat=True)[:500])
    services.enqueue_batches(ids)
    return recovered + len(ids)


def deliver_many(message_ids):
    """One batch over one connection; what the time budget leaves goes to a new task."""
    services.enqueue_batches(services.deliver_batch(message_ids))
