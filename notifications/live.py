"""Live updates: what the open pages hear of, through the channel layer (Redis with REDIS_URL).

An event only says what changed ("job 12: stages 3 and 4", "unread changed"); the page re-fetches it
through its normal, permission-checked view, so an event can never show anyone more than a reload.
They are hints: a lost one costs a stale column until the next change or reconnect, so a layer that
fails (Redis down) is logged and never fails the request or task that published. The socket's
consumer is ats.live.
"""

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Where the socket is served (ats/asgi.py routes it to ats.live); pages reach it on their own host.
SOCKET_PATH = "ws/live/"


def enabled():
    """True when a channel layer carries live events (REDIS_URL, or a test's in-memory layer)."""
    return bool(getattr(settings, "CHANNEL_LAYERS", None))


def user_group(user_id):
    return f"user-{user_id}"


def job_group(job_id):
    return f"job-{job_id}"


def stages_changed(job_id, stage_ids):
    """Once the transaction commits, open boards of the job re-fetch these columns."""
    event = {"type": "columns", "job": job_id, "stages": sorted(set(stage_ids))}
    _on_commit([job_group(job_id)], event)


def unread_changed(user_ids):
    """Once the transaction commits, these users' bells re-fetch their count (the event has none)."""
    _on_commit([user_group(user_id) for user_id in set(user_ids)], {"type": "unread"})


def close_user_sockets(user_id):
    """Close every open socket of the user now (signed out, deactivated); ats.live handles `live.close`."""
    _send([user_group(user_id)], {"type": "live.close"})


def _on_commit(groups, event):
    if enabled() and groups:
        transaction.on_commit(partial(_send, groups, {"type": "live.event", "event": event}))


def _send(groups, message):
    layer = get_channel_layer() if enabled() else None
    if layer is None:
        return
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # a hint only: never fail the request or task that published it
        logger.warning("Live update to %s was not sent", ", ".join(groups), exc_info=True)
