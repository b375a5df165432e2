"""Webhook endpoints and their deliveries as the API reads and writes them.

What an endpoint may say (an https address, known events) is services.py's rule: these fields only
carry it there, and the service's errors come back keyed by field. The secret is in two answers only:
the endpoint's creation and a rotation (EndpointWithSecretSerializer).
"""

import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Event, WebhookDelivery


def _utc(**kwargs):
    # ISO 8601 in UTC whatever zone the caller's profile activates (docs/api.md).
    return serializers.DateTimeField(default_timezone=datetime.UTC, read_only=True, **kwargs)


EVENTS_SCHEMA = {"type": "array", "items": {"type": "string", "enum": Event.values}}


@extend_schema_field(EVENTS_SCHEMA)
class EventsField(serializers.JSONField):
    """A list of event names. Any JSON reaches the service, which says what is wrong with it under `events`."""


class EndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.CharField(max_length=500, help_text="https:// only.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    events = EventsField(help_text=f"Any of: {', '.join(Event.values)}.")
    is_active = serializers.BooleanField(required=False, default=True)
    rotated_at = _utc(allow_null=True, help_text="When the secret was last rotated (the old one signs for 24 h).")
    created_at = _utc()


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Shown in this answer only: keep it to verify X-ATS-Signature."
    )


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    event = serializers.ChoiceField(choices=Event.choices, read_only=True)
    event_id = serializers.UUIDField(read_only=True, help_text="X-ATS-Event-Id: the same on every attempt.")
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    next_attempt_at = _utc(allow_null=True)
    last_attempt_at = _utc(allow_null=True)
    last_status_code = serializers.IntegerField(read_only=True, allow_null=True)
    response_excerpt = serializers.CharField(read_only=True, help_text="The receiver's answer, its first 1 KB.")
    error = serializers.CharField(read_only=True)
    payload = serializers.JSONField(read_only=True, allow_null=True, help_text="null once older than 30 days.")
    created_at = _utc()
    delivered_at = _utc(allow_null=True)
