"""Attempts against a real local receiver: signed afresh each time with the same event id, retried
with backoff while the receiver is down, then failed and redeliverable; bodies capped and purged."""

import http.server
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from pipeline.management.commands.setup_schedules import SCHEDULES
from pipeline.webhooks import delivery, services, tasks
from pipeline.webhooks.delivery import body_of, sign
from pipeline.webhooks.models import WebhookDelivery

from .conftest import verify

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _delivery(endpoint, *, created_at=None, **fields):
    now = created_at or timezone.now()
    delivery = WebhookDelivery(
        endpoint=endpoint, event="application.created", source=f"application:{WebhookDelivery.objects.count() + 1}",
        next_attempt_at=now, created_at=now, **fields,
    )  # fmt: skip
    delivery.payload = {
        "event": "application.created",
        "event_id": str(delivery.event_id),
        "data": {"application_id": 7},
    }
    delivery.save()
    return delivery


def test_the_receiver_verifies_the_signature_and_gets_the_event_id(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.secret = endpoint.secret
    delivery = _delivery(endpoint)

    services.attempt(delivery.pk)

    [request] = receiver.requests
    assert request["verified"] is True
    assert request["path"] == "/hooks/ats"
    assert request["headers"]["X-ATS-Event-Id"] == str(delivery.event_id)
    assert request["headers"]["X-ATS-Event"] == "application.created"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == delivery.payload
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    assert delivery.response_excerpt == "ok"


def test_the_receivers_recipe_refuses_a_replayed_request_with_an_old_timestamp(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.secret = endpoint.secret
    services.attempt(_delivery(endpoint).pk)
    [first] = receiver.requests
    assert first["verified"] is True

    # The same request, replayed six minutes later: the signature still matches, the time does not.
    sent_at = int(first["headers"]["X-ATS-Timestamp"])
    assert verify(endpoint.secret, first["headers"], first["body"], now=sent_at + 60) is True
    assert verify(endpoint.secret, first["headers"], first["body"], now=sent_at + 360) is False
    # And a replay with a fresh timestamp but the old signature fails the signature.
    forged = {**first["headers"], "X-ATS-Timestamp": str(sent_at + 360)}
    assert verify(endpoint.secret, forged, first["body"], now=sent_at + 360) is False


def test_a_receiver_that_is_down_gets_retries_then_the_delivery_fails_and_can_be_redelivered(
    down_url, receiver, make_endpoint, django_capture_on_commit_callbacks, client_for, owner
):
    endpoint = make_endpoint(url=down_url)
    receiver.secret = endpoint.secret
    delivery = _delivery(endpoint, created_at=START)
    waits = [timedelta(0), *services.BACKOFF]

    now = START
    for number, wait in enumerate(waits, start=1):
        now += wait
        # Not due a second early: the retry waits for its time.
        assert services.attempt(delivery.pk, now=now - timedelta(seconds=1)) is None
        assert services.attempt(delivery.pk, now=now) is not None
        delivery.refresh_from_db()
        assert delivery.attempts == number
        assert "ConnectionRefusedError" in delivery.error
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert services.attempt(delivery.pk, now=now + timedelta(days=1)) is None  # failed: nothing more is tried
    page = client_for(owner).get(reverse("pipeline:webhook", args=[endpoint.pk]))
    assert page.status_code == 200
    assert '<span class="badge text-bg-danger">Failed</span>' in page.text
    assert f'action="{reverse("pipeline:redeliver_webhook", args=[delivery.pk])}"' in page.text

    # Redeliver, now that the receiver is back: the same event id, a new timestamp and signature.
    endpoint.url = receiver.url
    endpoint.save()
    with time_machine.travel(START + timedelta(hours=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery=delivery)
    [request] = receiver.requests
    assert request["headers"]["X-ATS-Event-Id"] == str(delivery.event_id)
    assert request["headers"]["X-ATS-Timestamp"] == str(int((START + timedelta(hours=10)).timestamp()))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)


def test_each_attempt_is_signed_afresh_with_the_same_event_id(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.secret = endpoint.secret
    receiver.status = 503
    delivery = _delivery(endpoint, created_at=START)

    with time_machine.travel(START, tick=False):
        services.attempt(delivery.pk)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        services.attempt(delivery.pk)

    first, second = receiver.requests
    assert first["headers"]["X-ATS-Event-Id"] == second["headers"]["X-ATS-Event-Id"] == str(delivery.event_id)
    assert int(second["headers"]["X-ATS-Timestamp"]) - int(first["headers"]["X-ATS-Timestamp"]) == 60
    assert first["headers"]["X-ATS-Signature"] != second["headers"]["X-ATS-Signature"]
    assert first["body"] == second["body"]
    body = body_of(delivery.payload)
    assert second["headers"]["X-ATS-Signature"] == sign(endpoint.secret, second["headers"]["X-ATS-Timestamp"], body)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, delivery.error) == (
        "pending",
        503,
        "The receiver answered 503.",
    )
    assert delivery.next_attempt_at == START + timedelta(minutes=1) + services.BACKOFF[1]


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.status = 302
    delivery = _delivery(endpoint)

    services.attempt(delivery.pk)

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, delivery.attempts) == ("pending", 302, 1)


def test_the_response_excerpt_is_capped_at_one_kilobyte(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.body = b"<script>x</script>" + b"a" * 5000
    delivery = _delivery(endpoint)

    services.attempt(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert len(delivery.response_excerpt) == 1024
    assert delivery.response_excerpt.startswith("<script>x</script>aaa")


def test_two_workers_never_send_one_attempt_twice(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.status = 500
    delivery = _delivery(endpoint, created_at=START)

    assert services.attempt(delivery.pk, now=START) is not None
    # A second worker with the same task a moment later: the attempt is taken (and not yet due again).
    assert services.attempt(delivery.pk, now=START + timedelta(seconds=5)) is None
    assert len(receiver.requests) == 1


def test_a_gone_delivery_or_inactive_endpoint_is_left_alone(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    delivery = _delivery(endpoint)
    endpoint.is_active = False
    endpoint.save()

    assert services.attempt(delivery.pk) is None
    assert tasks.deliver(delivery.pk + 1000) is None
    assert receiver.requests == []


def test_the_sweeper_sends_what_is_due_and_empties_bodies_after_thirty_days(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.secret = endpoint.secret
    old = _delivery(endpoint, created_at=timezone.now() - timedelta(days=31), status="succeeded")
    old.response_excerpt = "thanks"
    old.next_attempt_at = None
    old.save()
    recent = _delivery(endpoint, created_at=timezone.now() - timedelta(days=29), status="succeeded")
    due = _delivery(endpoint)

    assert tasks.sweep() == (1, 1)  # sync test worker: the due one is sent at once

    assert [request["headers"]["X-ATS-Event-Id"] for request in receiver.requests] == [str(due.event_id)]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.payload, old.response_excerpt) == (None, "")
    assert recent.payload is not None
    # A purged delivery can't be sent again: its body is gone.
    with pytest.raises(services.ValidationError, match="no longer kept"):
        services.redeliver(delivery=old)


def test_a_pending_delivery_is_not_redelivered(make_endpoint):
    delivery = _delivery(make_endpoint())

    with pytest.raises(services.ValidationError, match="still being tried"):
        services.redeliver(delivery=delivery)


def test_the_sweeper_is_registered_every_minute():
    assert ("pipeline.webhooks.tasks.sweep", 1) in [(func, every) for _, func, every in SCHEDULES]
    assert callable(import_string("pipeline.webhooks.tasks.sweep"))


def test_a_receiver_that_never_finishes_answering_is_cut_off(settings, make_endpoint, monkeypatch):
    """A slow drip would keep each read under its timeout: the whole exchange has a deadline too."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(delivery, "TOTAL_TIMEOUT", 0.3)
    released = threading.Event()

    class Stalling(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.wfile.flush()
            released.wait(30)  # the rest of the headers never come (until the test ends)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = make_endpoint(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        item = _delivery(endpoint)

        services.attempt(item.pk)
    finally:
        released.set()
        server.shutdown()
        server.server_close()

    item.refresh_from_db()
    assert (item.status, item.attempts, item.last_status_code) == ("pending", 1, None)
    assert item.error == "TimeoutError: No full answer within 0.3 s."  # a failed attempt, retried
