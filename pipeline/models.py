import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Organization
from jobs.models import FormField, Job

DEFAULT_STAGES = [
    ("Application Received", "New applications land here."),
    ("Initial Screening", "A first look at the resume and answers."),
    ("Phone Screen", "A short call to check fit and expectations."),
    ("Technical Interview", "A deeper conversation about skills."),
    ("Final Interview", "Meet the team and the hiring manager."),
    ("Reference Check", "Talk to people who worked with them."),
    ("Offer Made", "The offer is out."),
    ("Hired", "They said yes."),
]


class WorkflowTemplate(models.Model):
    """Ordered stages. With a job: that job's pipeline. Without: a reusable template."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="workflows")
    job = models.OneToOneField(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="workflow")
    name = models.CharField(max_length=150)
    is_default = models.BooleanField(default=False, help_text="Copied to each new job.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkflowStep(models.Model):
    workflow = models.ForeignKey(WorkflowTemplate, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


def _private_path(folder, filename):
    """Uploads get random names in a private folder; the original name is kept on the row."""
    return f"private/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def upload_resume(instance, filename):
    return _private_path("resumes", filename)


def upload_answer(instance, filename):
    return _private_path("answers", filename)


class Candidate(models.Model):
    """A person, once per organisation, whatever number of jobs they apply to."""

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
    parsed_cv_data = models.JSONField(default=dict, blank=True)
    cover_letter = models.TextField(blank=True)
    skills = models.JSONField(default=list, blank=True)
    experience_years = models.PositiveSmallIntegerField(null=True, blank=True)
    education = models.JSONField(default=list, blank=True)
    work_experience = models.JSONField(default=list, blank=True)
    certifications = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=100, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateField(null=True, blank=True)
    # Normalised phone and LinkedIn, to spot one person under two email addresses.
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    linkedin_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "organization", name="unique_candidate_email_per_org"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
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
        WorkflowStep, null=True, blank=True, on_delete=models.RESTRICT, related_name="applications"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within its board column.")
    stage_entered_at = models.DateTimeField(default=timezone.now)
    cover_letter = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    source = models.CharField(max_length=100, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    is_starred = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)
    rejection_reason = models.CharField(max_length=200, blank=True)
    # What un-rejecting (or un-withdrawing) restores.
    status_before_rejection = models.CharField(max_length=10, choices=Status.choices, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    hired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-applied_at"]
        constraints = [models.UniqueConstraint(fields=["job", "candidate"], name="unique_application_per_job")]
        indexes = [models.Index(fields=["job", "current_stage", "status", "position"])]

    def __str__(self):
        return f"{self.candidate} for {self.job}"


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


class ApplicationStageHistory(models.Model):
    """The audit trail of an application's stages; from_stage is empty for the first entry."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.ForeignKey(WorkflowStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_stage = models.ForeignKey(WorkflowStep, null=True, on_delete=models.SET_NULL, related_name="+")
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


class Note(models.Model):
    class Visibility(models.TextChoices):
        TEAM = "team", "Hiring team"
        PRIVATE = "private", "Only me"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="notes")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="application_notes"
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
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
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
