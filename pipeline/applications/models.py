"""Applications: a candidate in a job's pipeline, its answers, its stage history, its tags."""

import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization
from jobs.models import FormField, Job, Stage

from ..candidates.models import Candidate, private_upload_path


def new_status_salt():
    return secrets.token_hex(16)


def upload_answer(instance, filename):
    return private_upload_path("answers", filename)


TAG_MAX_LENGTH = 40


def clean_tag(name):
    """A tag as typed, tidied: whitespace collapsed, control characters dropped, at most 40 characters."""
    # Control characters (a NUL from a query string) mean nothing in a label, and PostgreSQL refuses NUL.
    text = "".join(ch for ch in str(name) if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(text.split())[:TAG_MAX_LENGTH]


def normalise_tag(name):
    """What makes two spellings one tag: `Café`, `café` and `CAFÉ` (composed or not) are the same.

    Computed in Python, not by the database: SQLite's LOWER() and LIKE fold ASCII only.
    """
    return unicodedata.normalize("NFC", clean_tag(name)).casefold()[:TAG_MAX_LENGTH]


class Tag(models.Model):
    """A label for applications, once per organisation whatever its casing; the first spelling is shown."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX_LENGTH)
    normalised = models.CharField(max_length=TAG_MAX_LENGTH, editable=False)

    class Meta:
        ordering = ["normalised"]
        constraints = [models.UniqueConstraint(fields=["organization", "normalised"], name="unique_tag_per_org")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_tag(self.name)
        self.normalised = normalise_tag(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalised"}
        super().save(*args, **kwargs)


class Application(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        HIRED = "hired", "Hired"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    # RESTRICT: a stage holding applications can't be deleted on its own (move them first),
    # yet deleting the whole job or organisation still cascades.
    current_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.RESTRICT, related_name="applications"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within its board column.")
    stage_entered_at = models.DateTimeField(default=timezone.now)
    cover_letter = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    source = models.CharField(max_length=100, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, through="ApplicationTag", related_name="applications", blank=True)
    is_starred = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)
    rejection_reason = models.CharField(max_length=200, blank=True)
    # What un-rejecting (or un-withdrawing) restores.
    status_before_rejection = models.CharField(max_length=10, choices=Status.choices, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    hired_at = models.DateTimeField(null=True, blank=True)
    # Gave an answer the job marks as a knockout (flagged on the board; maybe auto-rejected).
    knocked_out = models.BooleanField(default=False)
    # Salts the candidate's signed status link: a new salt revokes every link sent before.
    status_salt = models.CharField(max_length=32, default=new_status_salt, editable=False)

    class Meta:
        ordering = ["-applied_at"]
        constraints = [models.UniqueConstraint(fields=["job", "candidate"], name="unique_application_per_job")]
        indexes = [
            # The board's column counts, read from the index alone (no table rows at any size).
            models.Index(fields=["job", "current_stage", "status", "is_archived"], name="application_count_idx"),
            # The board's source filter: each distinct source found by one index probe (selectors.job_sources).
            models.Index(fields=["job", "source"], name="application_source_idx"),
            models.Index(fields=["job", "-applied_at"], name="application_newest_idx"),
            # A board column's first cards, read in order (the board's per-column LIMIT queries).
            models.Index(fields=["current_stage", "position", "id"], name="application_column_idx"),
        ]

    def __str__(self):
        return f"{self.candidate} for {self.job}"


class ApplicationTag(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="application_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="application_tags")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "tag"], name="unique_application_tag")]
        # The unique index leads with the application (a card's tags); this one serves "who has this tag".
        indexes = [models.Index(fields=["tag", "application"], name="application_tag_idx")]

    def __str__(self):
        return f"{self.tag} on {self.application_id}"


class ApplicationFormAnswer(models.Model):
    """One answer to a custom question, with the question's label as the candidate saw it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(FormField, null=True, on_delete=models.SET_NULL, related_name="answers")
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    value = models.JSONField(null=True, blank=True)
    file = models.FileField(upload_to=upload_answer, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.label}: {self.display_value}"

    @property
    def display_value(self):
        if self.file:
            return self.file_name
        if isinstance(self.value, list):
            return ", ".join(str(item) for item in self.value)
        if isinstance(self.value, bool):
            return "Yes" if self.value else "No"
        return "" if self.value is None else str(self.value)


class AnswerChoice(models.Model):
    """One chosen option of a choice or yes/no answer, normalised so the board and the candidate list
    filter by it with an index on SQLite and PostgreSQL alike (a JSON value can't be)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answer_choices")
    field = models.ForeignKey(FormField, on_delete=models.CASCADE, related_name="answer_choices")
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "field", "value"], name="unique_answer_choice")]
        indexes = [models.Index(fields=["field", "value", "application"], name="answer_choice_idx")]

    def __str__(self):
        return f"{self.field_id}={self.value} on {self.application_id}"


class ApplicationStageHistory(models.Model):
    """The audit trail of an application's stages; from_stage is empty for the first entry."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_stage = models.ForeignKey(Stage, null=True, on_delete=models.SET_NULL, related_name="+")
    # The names as they were, so history still reads right after a stage is renamed or deleted.
    from_stage_name = models.CharField(max_length=100, blank=True)
    to_stage_name = models.CharField(max_length=100, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)
    time_in_previous_stage = models.DurationField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "application stage history"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_stage__isnull=True) | ~models.Q(from_stage=models.F("to_stage")),
                name="stage_history_moves_somewhere",
            )
        ]

    def __str__(self):
        return f"{self.application}: {self.from_stage_name or '—'} → {self.to_stage_name}"

    def save(self, *args, **kwargs):
        if self.from_stage_id and not self.from_stage_name:
            self.from_stage_name = self.from_stage.name
        if self.to_stage_id and not self.to_stage_name:
            self.to_stage_name = self.to_stage.name
        super().save(*args, **kwargs)

    @property
    def is_first(self):
        """The entry written on applying (it comes from no stage)."""
        return self.from_stage_id is None and not self.from_stage_name


DEFAULT_REJECTION_REASONS = [
    ("Not enough experience", "rejected"),
    ("Skills don't match the role", "rejected"),
    ("Salary expectations too far apart", "rejected"),
    ("Position filled", "rejected"),
    ("Not a culture add", "rejected"),
    ("Accepted another offer", "withdrew"),
    ("No longer interested", "withdrew"),
    ("Did not respond", "other"),
    ("Duplicate application", "other"),
]


class RejectionReason(models.Model):
    class Kind(models.TextChoices):
        REJECTED = "rejected", "We rejected"
        WITHDREW = "withdrew", "They withdrew"
        OTHER = "other", "Other"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rejection_reasons")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REJECTED)
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_rejection_reason")]

    def __str__(self):
        return self.name


class Follow(models.Model):
    """A member's own choice about an application's news: Follow (`following`), or Unfollow.

    Without a row, a member follows the applications of the jobs whose team they are on and those
    they wrote a note on; a row overrides that either way.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="unique_follow")]

    def __str__(self):
        return f"{self.user} {'follows' if self.following else 'unfollowed'} {self.application}"
