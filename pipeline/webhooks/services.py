"""Webhooks: endpoints made and changed by an organisation's admins, events queued as deliveries, and
each delivery's attempts (signed afresh, retried with backoff, then failed until someone redelivers).

The HTML pages and the API call these; the worker calls queue_event and attempt (tasks.py).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.background import enqueue_on_commit

from . import delivery as sending
from .events import BUILDERS, iso
from .models import Event, WebhookDelivery, WebhookEndpoint, new_secret

DELIVER = "pipeline.webhooks.tasks.deliver"
# The waits before each retry; after the last one fails, the delivery is failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
# An attempt claims its delivery this long: a worker that died mid-attempt leaves it to the sweeper then.
CLAIM = timedelta(minutes=5)
# Payloads and receivers' answers are kept this long, then emptied (the row stays, for the log and counts).
BODIES_KEPT = timedelta(days=30)
ERROR_LENGTH = 500


# --- Endpoints -------------------------------------------------------------------------------------


def _clean(*, url, events, description):
    errors = {}
    url = (url or "").strip()
    if not url:
        errors["url"] = ["Enter the receiver's address."]
    elif len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        errors["url"] = ["At most 500 characters."]
    elif problem := sending.url_problem(url):
        errors["url"] = [problem]
    if not isinstance(events, list | tuple) or not all(isinstance(event, str) for event in events):
        errors["events"] = ["Give a list of event names."]
    else:
        unknown = [event for event in events if event not in Event.values]
        if unknown:
            errors["events"] = [f"Unknown event: {unknown[0][:50]}."]
        elif not events:
            errors["events"] = ["Choose at least one event."]
    description = " ".join(str(description or "").split())
    if len(description) > 200:
        errors["description"] = ["At most 200 characters."]
    if errors:
        raise ValidationError(errors)
    # In the order of Event, once each: what a page shows and a receiver is told don't depend on input order.
    return url, [event for event in Event.values if event in events], description


def create_endpoint(*, organization, url, events, description="", by=None):
    """A new endpoint with a fresh secret (show it to the admin now: it is not shown again)."""
    url, events, description = _clean(url=url, events=events, description=description)
    return WebhookEndpoint.objects.create(
        organization=organization, url=url, events=events, description=description, created_by=by
    )


def update_endpoint(*, endpoint, url=None, events=None, description=None, is_active=None):
    """Change what was given (None: unchanged). A deactivated endpoint hears of no new event; its
    deliveries still pending are not sent while it is off."""
    url, events, description = _clean(
        url=endpoint.url if url is None else url,
        events=endpoint.events if events is None else events,
        description=endpoint.description if description is None else description,
    )
    endpoint.url, endpoint.events, endpoint.description = url, events, description
    if is_active is not None:
        endpoint.is_active = bool(is_active)
    endpoint.save(update_fields=["url", "events", "description", "is_active"])
    return endpoint


def rotate_secret(*, endpoint, now=None):
    """A new secret; the one it replaces keeps signing for a day beside it (PREVIOUS_SECRET_SIGNS_FOR)."""
    endpoint.previous_secret = endpoint.secret
    endpoint.secret = new_secret()
    endpoint.rotated_at = now or timezone.now()
    endpoint.save(update_fields=["secret", "previous_secret", "rotated_at"])
    return endpoint


def delete_endpoint(*, endpoint):
    """The endpoint and its delivery log go."""
    endpoint.delete()


# --- Events ----------------------------------------------------------------------------------------


def queue_event(*, event, object_id, now=None):
    """One delivery of `event` (set off by the record `object_id`, see events.py) to each active
    endpoint of its organisation that chose it. Idempotent: a second call for the same record adds
    nothing. Returns the new deliveries, each sent by its own task."""
    occurrence = BUILDERS[event](object_id)
    if occurrence is None:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organization_id=occurrence.organization_id, is_active=True)
        if event in endpoint.events  # a JSON list: asked here, the same on SQLite and PostgreSQL
    ]
    if not endpoints:
        return []
    now = now or timezone.now()
    made = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery = WebhookDelivery(
                endpoint=endpoint, event=event, source=occurrence.source, next_attempt_at=now, created_at=now,
                candidate_id=occurrence.candidate_id, application_id=occurrence.application_id,
            )  # fmt: skip
            delivery.payload = {
                "event": event,
                "event_id": str(delivery.event_id),
                "occurred_at": iso(occurrence.occurred_at),
                "organization_id": occurrence.organization_id,
                "data": occurrence.data,
            }
            try:
                with transaction.atomic():
                    delivery.save()
            except IntegrityError:
                continue  # made by an earlier run of this task (the constraint says once per source)
            made.append(delivery)
            enqueue_on_commit(DELIVER, delivery.pk)
    return made


# --- Attempts --------------------------------------------------------------------------------------


def _claim(delivery_id, now):
    """Take the delivery's next attempt, if it is due and nobody else took it (a conditional UPDATE:
    two workers never both send it)."""
    return WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
        payload__isnull=False,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM, last_attempt_at=now)


def attempt(delivery_id, *, now=None):
    """Send the delivery once, if it is due: signed afresh (a new timestamp), the same event id.
    2xx is delivered; anything else waits for the next retry, or fails after the last.
    Returns the delivery, or None when there was nothing to send (gone, done, not due, taken)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = sending.body_of(delivery.payload)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-ATS-Event": delivery.event,
        "X-ATS-Event-Id": str(delivery.event_id),
        "X-ATS-Timestamp": timestamp,
        "X-ATS-Signature": sending.signature_header(endpoint.signing_secrets(now), timestamp, body),
    }
    try:
        answer = sending.post(endpoint.url, body, headers)
    except sending.Refused as error:
        _record(delivery, now, error=str(error))
    except Exception as error:  # the receiver's fault, not ours: a failed attempt, retried
        _record(delivery, now, error=f"{type(error).__name__}: {error}")
    else:
        _record(delivery, now, status_code=answer.status, excerpt=answer.excerpt)
    return delivery


def _record(delivery, now, *, status_code=None, excerpt="", error=""):
    delivery.last_status_code = status_code
    delivery.response_excerpt = excerpt[: sending.EXCERPT_BYTES]
    if status_code is not None and not 200 <= status_code < 300:
        error = f"The receiver answered {status_code}."
    delivery.error = error.replace("\x00", "")[:ERROR_LENGTH]  # PostgreSQL refuses NUL in text
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = WebhookDelivery.Status.SUCCEEDED, now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    delivery.save(
        update_fields=[
            "last_status_code", "response_excerpt", "error", "status", "delivered_at", "next_attempt_at",
        ]
    )  # fmt: skip


def redeliver(*, delivery, now=None):
    """Send a delivery again (a failed one, or a succeeded one the receiver lost), with the same event
    id, and its retries anew. Not while it is still being tried, nor once its body is gone."""
    if delivery.payload is None:
        raise ValidationError("Its body is no longer kept (deliveries keep it 30 days): it can't be sent again.")
    now = now or timezone.now()
    updated = (
        WebhookDelivery.objects.filter(pk=delivery.pk)
        .exclude(status=WebhookDelivery.Status.PENDING)
        .update(status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=now, delivered_at=None)
    )
    if not updated:
        raise ValidationError("This delivery is still being tried.")
    enqueue_on_commit(DELIVER, delivery.pk)
    delivery.refresh_from_db()
    return delivery


def due(*, now=None, limit=200):
    """Ids of deliveries whose next attempt is due (retries, and first attempts whose task was lost)."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def purge_bodies(*, now=None):
    """Empty the payload and the receiver's answer of deliveries older than BODIES_KEPT. Returns how many."""
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(created_at__lt=now - BODIES_KEPT, payload__isnull=False).update(
        payload=None, response_excerpt=""
    )


def erase_deliveries(*, candidate):
    """Erasure: what was sent about the person goes (their deliveries, with the log of them)."""
    WebhookDelivery.objects.filter(candidate=candidate).delete()
