"""Candidates: people, once per organisation, and what is written about them."""

import logging
import re
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Organization

logger = logging.getLogger(__name__)


def private_upload_path(folder, filename):
    """Uploads get random names in a private folder; the original name is kept on the row."""
    return f"private/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def upload_resume(instance, filename):
    return private_upload_path("resumes", filename)


def file_is_referenced(name):
    """True while a row of pipeline's models still names stored file `name` in one of its file fields."""
    for model in apps.get_app_config("pipeline").get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and model._base_manager.filter(**{field.name: name}).exists():
                return True
    return False


def delete_file_on_commit(name, *, storage=None):
    """Delete stored file `name` once the transaction commits: the one way a dropped file reference goes.

    On commit, because a rolled-back transaction keeps its row and so needs the file. Only when no
    row names it any more, because a merge moves a file from one row to another rather than
    copying it. A file already gone is no error; a storage that fails is logged, never raised into
    work that has committed.
    """
    if not name:
        return
    storage = storage or default_storage

    def delete():
        if file_is_referenced(name):
            return
        try:
            storage.delete(name)
        except Exception:  # the rows are right; a file left behind is logged for someone to remove
            logger.exception("Could not delete the stored file %s", name)

    transaction.on_commit(delete)


def normalise_email(email):
    """How an address is stored and looked up: one person per address, whatever the casing typed."""
    return (email or "").strip().lower()


class Candidate(models.Model):
    """A person, once per organisation, whatever number of jobs they apply to."""

    class ResumeStatus(models.TextChoices):
        """How reading the resume's text ended; blank until the background task has read it."""

        OK = "ok", "Read"
        CUT = "cut", "Read in part (too long to keep whole)"
        REFUSED = "refused", "Not read (larger than we unpack)"
        FAILED = "failed", "Not read (damaged or unreadable)"

    # Large columns that lists and the board never show: deferred there.
    HEAVY_FIELDS = ("resume_text", "parsed_cv_data", "cover_letter", "education", "work_experience")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="candidates")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    portfolio_url = models.URLField("portfolio", blank=True)
    resume = models.FileField(upload_to=upload_resume, blank=True)
    resume_name = models.CharField(max_length=255, blank=True)
    resume_text = models.TextField(blank=True)
    resume_status = models.CharField(max_length=10, choices=ResumeStatus.choices, blank=True, editable=False)
    parsed_cv_data = models.JSONField(default=dict, blank=True)
    cover_letter = models.TextField(blank=True)
    skills = models.JSONField(default=list, blank=True)
    experience_years = models.PositiveSmallIntegerField(null=True, blank=True)
    education = models.JSONField(default=list, blank=True)
    work_experience = models.JSONField(default=list, blank=True)
    certifications = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=100, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateField(null=True, blank=True)
    # Set when the person's data was erased: the row stays as an anonymous tombstone so counts survive.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Normalised phone and LinkedIn, to spot one person under two email addresses.
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    linkedin_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Stored lower-cased, so the plain unique index serves every lookup by address.
            models.UniqueConstraint(fields=["organization", "email"], name="unique_candidate_email_per_org"),
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="candidate_email_lower_case"),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="candidate_newest_idx"),
            models.Index(fields=["organization", "source"], name="candidate_source_idx"),
            # The list sorted by name reads its page in order instead of sorting every candidate.
            models.Index(fields=["organization", "first_name", "last_name", "id"], name="candidate_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        digits = re.sub(r"\D", "", self.phone)
        # The last nine digits ignore country-code and trunk-prefix differences (+44 20... vs 020...).
        self.phone_key = digits[-9:] if len(digits) >= 7 else ""
        path = re.sub(r"^(https?://)?(www\.)?", "", self.linkedin_url.strip().lower()).rstrip("/")
        self.linkedin_key = path if "linkedin.com/" in path else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"phone", "linkedin_url"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "phone_key", "linkedin_key"}
        super().save(*args, **kwargs)

    def possible_duplicates(self):
        """Others in the organisation with this phone or LinkedIn profile under another email."""
        match = models.Q()
        if self.phone_key:
            match |= models.Q(phone_key=self.phone_key)
        if self.linkedin_key:
            match |= models.Q(linkedin_key=self.linkedin_key)
        if not match:
            return Candidate.objects.none()
        return Candidate.objects.filter(match, organization_id=self.organization_id).exclude(pk=self.pk)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    # What an erased candidate keeps: the keys and dates that counts and reports need, nothing that
    # says who they were. Every other field is reset to its default, so a field added later is erased
    # too unless it is named here.
    KEPT_ON_ERASURE = frozenset({"id", "organization", "source", "consent_given_at", "created_at", "updated_at"})

    def anonymise(self, *, at):
        """Turn this row into a tombstone (not saved): a placeholder name and address, every other field blank.

        The caller deletes the resume file (delete_file_on_commit) and the rows about the person.
        """
        for field in self._meta.concrete_fields:
            if field.name not in self.KEPT_ON_ERASURE:
                setattr(self, field.attname, field.get_default())
        self.first_name, self.last_name = "Erased", "candidate"
        self.email = f"erased-{self.pk}@erased.invalid"
        self.erased_at = at


class Note(models.Model):
    class Visibility(models.TextChoices):
        TEAM = "team", "Hiring team"
        PRIVATE = "private", "Only me"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="notes")
    application = models.ForeignKey(
        "pipeline.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="application_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.TEAM)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_notes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Note by {self.author} on {self.candidate}"


class TimelineEvent(models.Model):
    """Things that happened to a candidate that have no row of their own (a merge, a rejection...)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(
        "pipeline.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text
