"""Outgoing webhooks: an organisation's endpoints, and each event's delivery to one of them."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization

from ..applications.models import Application
from ..candidates.models import Candidate


class Event(models.TextChoices):
    APPLICATION_CREATED = "application.created", "Application created"
    APPLICATION_STAGE_CHANGED = "application.stage_changed", "Application moved to another stage"
    APPLICATION_REJECTED = "application.rejected", "Application rejected"
    APPLICATION_WITHDRAWN = "application.withdrawn", "Application withdrawn"
    APPLICATION_HIRED = "application.hired", "Candidate hired"
    CANDIDATE_CREATED = "candidate.created", "Candidate created"
    INTERVIEW_SCHEDULED = "interview.scheduled", "Interview scheduled"
    SCORECARD_SUBMITTED = "scorecard.submitted", "Scorecard submitted"


# After a rotation the old secret signs too, so receivers can switch over without losing a delivery.
PREVIOUS_SECRET_SIGNS_FOR = timedelta(hours=24)


def new_secret():
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(models.Model):
    """An HTTPS address of an organisation's that hears of the `events` it chose, each request signed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    # Kept readable: signing needs it. Shown to the admin once, when made or rotated.
    secret = models.CharField(max_length=100, default=new_secret)
    previous_secret = models.CharField(max_length=100, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.url

    def signing_secrets(self, now=None):
        """The secrets that sign a request sent `now`: the current one, and the previous one for a day."""
        now = now or timezone.now()
        if self.previous_secret and self.rotated_at and now - self.rotated_at < PREVIOUS_SECRET_SIGNS_FOR:
            return [self.secret, self.previous_secret]
        return [self.secret]


class WebhookDelivery(models.Model):
    """One event owed to one endpoint, with the outcome of its latest attempt.

    `event_id` is the receiver's de-duplication key: the same on every attempt and on "Redeliver".
    `status` is pending until an attempt succeeds, or failed once every retry has: /metrics/ counts
    failures as rows with status "failed". `payload` and `response_excerpt` are emptied after
    BODIES_KEPT (the payload then becomes null, and the delivery can no longer be redelivered).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What set the event off ("history:12"): a task run twice makes one delivery per endpoint, not two.
    source = models.CharField(max_length=80)
    payload = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due (django-q2 has no delayed tasks: the sweeper sends what is due).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Whom it is about, so erasing the person deletes what was sent about them.
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event", "source"], name="webhook_delivery_once_per_source")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["created_at"], name="webhook_delivery_created_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
