import tracemalloc

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from tests.core import test_asgi_streaming as t
from tests.core.test_asgi_streaming import asgi_app, session_cookie  # noqa

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_dbg(asgi_app, session_cookie, organization, monkeypatch):
    await sync_to_async(t._many_candidates)(organization)
    import accounts.streaming as s

    orig = s._next_chunk
    n = [0]

    def wrapped(parts):
        n[0] += 1
        if n[0] in (20, 100):
            snap = tracemalloc.take_snapshot()
            print("traced", tracemalloc.get_traced_memory())
            for stat in snap.statistics("lineno")[:8]:
                print(stat)
            print("----")
        return orig(parts)

    monkeypatch.setattr(s, "_next_chunk", wrapped)
    tracemalloc.start(25)
    status, sizes, more, peak, head = await t.fetch(
        asgi_app, f"{reverse('pipeline:candidates')}?format=csv", session_cookie
    )
    print(n, peak)
