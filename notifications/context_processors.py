from functools import cache, partial

from . import live as live_updates
from .services import unread_count


def live(request):
    """Where app.js opens the live-update socket; empty (so the page polls) without a layer or a membership."""
    member = getattr(request, "membership", None) is not None
    return {"live_socket_url": f"/{live_updates.SOCKET_PATH}" if member and live_updates.enabled() else ""}


def bell(request):
    """The bell's unread count, counted only if the page shows the bell (one query, then remembered)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"unread_notifications": cache(partial(unread_count, request.user, request.organization))}
