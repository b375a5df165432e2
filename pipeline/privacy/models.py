"""What the privacy room records: each erasure (never who was erased) and each retention extension."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization

from ..candidates.models import Candidate


class ErasureRecord(models.Model):
    """The audit entry of one erasure: who, when, why and which candidate row — never a name or an address."""

    class Reason(models.TextChoices):
        REQUEST = "request", "The person asked to be erased"
        MANUAL = "manual", "Erased by an admin"
        RETENTION = "retention", "Retention period ended"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="erasures")
    # The tombstone's id as a plain number: the record outlives the row should the tombstone be deleted.
    candidate_number = models.PositiveBigIntegerField("candidate id", db_index=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    # Null for the scheduled job (and for a member deleted since).
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField(default=timezone.now)
    applications_kept = models.PositiveIntegerField(default=0)
    files_deleted = models.PositiveIntegerField(default=0)
    messages_erased = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-erased_at", "-pk"]

    def __str__(self):
        return f"Candidate #{self.candidate_number} erased ({self.get_reason_display()})"


class RetentionExtension(models.Model):
    """A candidate's data kept longer than first promised: by whom, from which date to which, and why."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="retention_extensions")
    previous_date = models.DateField(null=True, blank=True)
    new_date = models.DateField()
    # Blanked when the person is erased: a reason may name them.
    reason = models.CharField(max_length=500)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-extended_at", "-pk"]

    def __str__(self):
        return f"Kept until {self.new_date} (was {self.previous_date or '—'})"
