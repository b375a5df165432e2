"""Under the ASGI server (ats.asgi), exports and downloads stream: memory stays far below their size.

Django reads a sync iterator whole before sending a byte under ASGI (accounts.streaming says why),
so these drive the real ASGI application with an HTTP scope and watch what it sends and what it
allocates. The views run in a thread of their own there, so the rows are committed (transactional_db).
"""

import asyncio
import gc
import importlib
import tracemalloc

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse

from pipeline.candidates.models import Candidate
from tests.factories import CandidateFactory

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("threads_close_connections"),
]

# One long cell a row (about 1 kB): the export's bytes grow with the rows, the ORM's objects per row don't.
SKILLS = [" ".join(f"skill-{n:03}" for n in range(100))]


@pytest.fixture
def asgi_app(monkeypatch):
    monkeypatch.setenv("ATS_ASGI", "true")  # what ats.asgi sets; restored after the test
    return importlib.import_module("ats.asgi").application


@pytest.fixture
def session_cookie(client_for, recruiter):
    client = client_for(recruiter)
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"


async def fetch(app, url, cookie):
    """GET `url` through the ASGI app: (status, body sizes, more_body flags, traced peak bytes, body head,
    bytes held at each body message)."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    requested, finished = False, asyncio.Event()

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # the client stays connected until the body is all in
        return {"type": "http.disconnect"}

    answer = {"sizes": [], "more": [], "head": b"", "held": []}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            answer["head"] = answer["head"] or body[:200]
            answer["sizes"].append(len(body))  # sizes only: keeping the bodies would be the memory we measure
            answer["more"].append(message.get("more_body", False))
            if len(answer["sizes"]) % 25 == 1:
                # What is alive as this chunk goes: collected first, so garbage waiting for the collector
                # (which rises and falls between collections, whatever the export's size) is not counted.
                gc.collect()
                answer["held"].append(tracemalloc.get_traced_memory()[0])
            if not message.get("more_body", False):
                finished.set()

    tracemalloc.start()
    try:
        await app(scope, receive, send)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return answer["status"], answer["sizes"], answer["more"], peak, answer["head"], answer["held"]


def _add_candidates(organization, first, count):
    Candidate.objects.bulk_create(
        Candidate(
            organization=organization,
            first_name=f"Person{n}",
            last_name="Example",
            email=f"p{n}@example.com",
            skills=SKILLS,
        )
        for n in range(first, first + count)
    )


async def test_a_large_csv_export_streams_in_bounded_memory(asgi_app, session_cookie, organization):
    """Each chunk goes while only a batch of rows is alive, never the file: read whole first (as Django's
    ASGI handler does with a sync iterator), all of it would be held when the first chunk is sent.

    What is alive is measured as chunks are sent (tracemalloc's current size after a collection), not as
    a peak: the peak also counts garbage between collections, which varies from run to run.
    """
    url = f"{reverse('pipeline:candidates')}?format=csv"
    await database_sync_to_async(_add_candidates)(organization, 0, 18_000)

    status, sizes, more, _, head, held = await fetch(asgi_app, url, session_cookie)

    total = sum(sizes)
    assert status == 200
    assert head.startswith(b"First name,Last name,Email")
    assert total > 18_000 * 1000
    assert len(sizes) > 200  # many messages, each a chunk, more to come...
    assert all(more[:-1]) and more[-1] is False  # ...until the empty closing one
    assert max(sizes) < 256 * 1024
    assert max(held) < total / 4, f"{max(held):,} bytes alive while sending an export of {total:,}"


async def test_a_large_download_streams_in_bounded_memory(asgi_app, session_cookie, organization):
    size = 12 * 1024 * 1024

    def candidate_with_resume():
        candidate = CandidateFactory(organization=organization)
        candidate.resume.save("resume.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * size), save=True)
        return candidate

    candidate = await database_sync_to_async(candidate_with_resume)()

    status, sizes, more, peak, head, _ = await fetch(
        asgi_app, reverse("pipeline:download_resume", args=[candidate.pk]), session_cookie
    )

    assert status == 200
    assert head.startswith(b"%PDF-1.4")
    assert sum(sizes) > size
    assert len(sizes) > 100 and all(more[:-1]) and more[-1] is False
    assert peak < size / 4, f"peak {peak:,} bytes for a file of {sum(sizes):,}"
