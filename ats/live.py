"""The live-update socket, /ws/live/: one per tab, signed in by the session, carrying only events.

Its user's events (the bell's "unread changed") come from joining the user's group on connect; a board
sends {"subscribe": <job id>} to hear of that job's changed columns, and is refused unless the member
may open that board, checked when it subscribes. What to say is decided in notifications.live; here is
only who may listen. Here in ats because it checks job access (jobs) for events that pipeline publishes.
"""

import json
from types import SimpleNamespace

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from accounts.middleware import active_membership
from accounts.params import to_int
from accounts.permissions import can
from jobs.access import jobs_visible_to
from notifications import live

# Refused or closed by the server (signed out, deactivated): the page tries again later, slowly.
CLOSED_BY_SERVER = 4403


def _membership(scope):
    """The membership the socket's user acts through, chosen from the session as for a page."""
    # active_membership() reads only a request's user and session; the socket's scope has both.
    return active_membership(SimpleNamespace(user=scope["user"], session=scope["session"]))


def _may_watch_board(scope, job_id):
    """The board's own rule (pipeline:board): a job the member can see, and manage_applications."""
    membership = _membership(scope)
    if membership is None or not can(membership, "manage_applications"):
        return False
    return jobs_visible_to(membership).filter(pk=job_id).exists()


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope["user"]
        if self.channel_layer is None or not user.is_authenticated:
            await self.close(CLOSED_BY_SERVER)
            return
        if await database_sync_to_async(_membership)(self.scope) is None:
            await self.close(CLOSED_BY_SERVER)
            return
        self.job_group = None
        await self._join(live.user_group(user.pk))
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        try:
            message = json.loads(text_data or "")
        except ValueError:
            return
        if isinstance(message, dict) and "subscribe" in message:
            await self._subscribe(to_int(str(message["subscribe"])))

    async def _subscribe(self, job_id):
        """One board per tab: a new subscription replaces the last; a refused one leaves none."""
        if self.job_group:
            await self.channel_layer.group_discard(self.job_group, self.channel_name)
            self.groups.remove(self.job_group)
            self.job_group = None
        if job_id is None or not await database_sync_to_async(_may_watch_board)(self.scope, job_id):
            await self.send(text_data=json.dumps({"type": "refused", "job": job_id}))
            return
        self.job_group = live.job_group(job_id)
        await self._join(self.job_group)
        await self.send(text_data=json.dumps({"type": "subscribed", "job": job_id}))

    async def _join(self, group):
        # In self.groups, so the consumer's disconnect leaves it.
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)

    async def live_event(self, message):
        await self.send(text_data=json.dumps(message["event"]))

    async def live_close(self, message):
        await self.close(CLOSED_BY_SERVER)


def socket_application():
    """The socket's stack: a page's Origin only (ALLOWED_HOSTS), then the session's user."""
    routes = URLRouter([path(live.SOCKET_PATH, LiveConsumer.as_asgi())])
    return AllowedHostsOriginValidator(AuthMiddlewareStack(routes))
