from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField

from accounts.models import Organization

from .markdown import render_markdown


class Job(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

    class RemoteType(models.TextChoices):
        ONSITE = "onsite", "On-site"
        HYBRID = "hybrid", "Hybrid"
        REMOTE = "remote", "Remote"

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        FREELANCE = "freelance", "Freelance"
        INTERNSHIP = "internship", "Internship"

    class ExperienceLevel(models.TextChoices):
        ENTRY = "entry", "Entry level"
        JUNIOR = "junior", "Junior"
        MID = "mid", "Mid level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead"
        EXECUTIVE = "executive", "Executive"

    class SalaryPeriod(models.TextChoices):
        # The values are schema.org's unitText, upper-cased (YEAR, MONTH...), for the JSON-LD.
        YEAR = "year", "per year"
        MONTH = "month", "per month"
        WEEK = "week", "per week"
        DAY = "day", "per day"
        HOUR = "hour", "per hour"

    class Urgency(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    # Which statuses may follow which: draft -> open -> on hold / closed -> archived, and reopen.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN, Status.ARCHIVED},
        Status.OPEN: {Status.ON_HOLD, Status.CLOSED},
        Status.ON_HOLD: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: {Status.OPEN, Status.ARCHIVED},
        Status.ARCHIVED: {Status.OPEN},
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220)
    department = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    # ISO 3166-1 alpha-2 ("DE"): job boards and JSON-LD want the code; pages show the name.
    country = CountryField(blank=True)
    remote_type = models.CharField(max_length=10, choices=RemoteType.choices, default=RemoteType.ONSITE)
    employment_type = models.CharField(max_length=12, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME)
    experience_level = models.CharField(max_length=10, choices=ExperienceLevel.choices, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, default="EUR")
    salary_period = models.CharField(max_length=5, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR)
    show_salary = models.BooleanField("show salary on the careers page", default=False)
    description = models.TextField(blank=True, help_text="Markdown: **bold**, _italic_, lists, links.")
    responsibilities = models.JSONField(default=list, blank=True)
    qualifications = models.JSONField(default=list, blank=True)
    benefits = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    openings = models.PositiveIntegerField(default=1)
    deadline = models.DateField("application deadline", null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="unique_job_slug")]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    def _unique_slug(self):
        base = slugify(self.title)[:200] or "job"
        slug, n = base, 1
        while Job.objects.filter(organization_id=self.organization_id, slug=slug).exclude(pk=self.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def clean(self):
        if self.salary_min and self.salary_max and self.salary_min > self.salary_max:
            raise ValidationError({"salary_max": "The maximum salary must be at least the minimum."})

    @property
    def description_html(self):
        return render_markdown(self.description)

    @property
    def location(self):
        place = ", ".join(part for part in (self.city, self.country.name) if part)
        if self.remote_type == self.RemoteType.REMOTE:
            return f"Remote ({place})" if place else "Remote"
        if self.remote_type == self.RemoteType.HYBRID:
            return f"{place} (hybrid)" if place else "Hybrid"
        return place

    # Shown on the careers site (a draft or archived job is not).
    PUBLIC_STATUSES = (Status.OPEN, Status.ON_HOLD, Status.CLOSED)

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    @property
    def accepts_applications(self):
        if self.status != self.Status.OPEN:
            return False
        # The deadline is a day in the organisation's zone, whoever looks and wherever the server is.
        return self.deadline is None or self.deadline >= self.organization.local_date(timezone.now())

    def allowed_transitions(self):
        return sorted(self.TRANSITIONS[self.status], key=list(self.Status).index)

    def set_status(self, status):
        """Move to `status` if the lifecycle allows it; publishing stamps published_at once."""
        if status not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                f"A {self.get_status_display().lower()} job can't become {self.Status(status).label.lower()}."
            )
        self.status = status
        if status == self.Status.OPEN and self.published_at is None:
            self.published_at = timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])


class HiringTeamMember(models.Model):
    class Role(models.TextChoices):
        HIRING_MANAGER = "hiring_manager", "Hiring manager"
        RECRUITER = "recruiter", "Recruiter"
        INTERVIEWER = "interviewer", "Interviewer"
        COORDINATOR = "coordinator", "Coordinator"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hiring_teams")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INTERVIEWER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__name"]
        constraints = [models.UniqueConstraint(fields=["job", "user"], name="unique_hiring_team_member")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) on {self.job}"


class JobForm(models.Model):
    """The application form of one job: an ordered list of FormFields."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="application_form")
    title = models.CharField(max_length=200, default="Apply")
    # A knockout answer always flags the application; with this on, it is also rejected through the
    # rejection flow (reason, email and its delay).
    knockout_auto_reject = models.BooleanField("reject knocked-out applications automatically", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Form for {self.job}"


class FormField(models.Model):
    class Type(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        EMAIL = "email", "Email"
        URL = "url", "Web address"
        PHONE = "phone", "Phone"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        YES_NO = "yes_no", "Yes / no"
        FILE = "file", "File upload"

    CHOICE_TYPES = (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE)

    form = models.ForeignKey(JobForm, on_delete=models.CASCADE, related_name="fields")
    # The key never changes once made, so answers stay attached when a label is reworded.
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    field_type = models.CharField(max_length=20, choices=Type.choices, default=Type.SHORT_TEXT)
    help_text = models.CharField(max_length=300, blank=True)
    placeholder = models.CharField(max_length=200, blank=True)
    options = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Standard fields (name, email, resume...) map onto the candidate; custom ones are answers.
    is_standard = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    # Pinned to the board's cards (at most three per form).
    is_key_question = models.BooleanField("key question", default=False)
    # The answers that knock an application out: options of a choice field, or "yes"/"no".
    knockout_answers = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="unique_form_field_key")]

    def __str__(self):
        return self.label


class ScorecardAttribute(models.Model):
    """One thing interviewers rate a candidate on for this job ("Communication"), in the job's order.

    Part of the job's definition, like its form: a new job starts with jobs.scorecards.DEFAULT_ATTRIBUTES.
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="scorecard_attributes")
    name = models.CharField(max_length=100)
    description = models.CharField("what to look for", max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                "job",
                Lower("name"),
                name="unique_scorecard_attribute_name",
                violation_error_message="This job already has an attribute with that name.",
            )
        ]

    def __str__(self):
        return self.name


class StageTemplate(models.Model):
    """A reusable, ordered list of stages; the organisation's default is copied into each new job."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="stage_templates")
    name = models.CharField(max_length=150)
    is_default = models.BooleanField(default=False, help_text="Copied to each new job.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(is_default=True), name="one_default_stage_template"
            )
        ]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """One step of a hiring process: of a job (its pipeline) or of a stage template, never both."""

    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="stages")
    template = models.ForeignKey(StageTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    # What a candidate sees on their status page instead of the internal name ("Under review").
    candidate_label = models.CharField("name shown to candidates", max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    stale_after_days = models.PositiveSmallIntegerField(
        default=7, help_text="After this many days in the stage, a card's badge turns warm on the board."
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(job__isnull=False, template__isnull=True)
                | models.Q(job__isnull=True, template__isnull=False),
                name="stage_has_one_owner",
            )
        ]
        indexes = [models.Index(fields=["job", "is_active", "order"])]

    def __str__(self):
        return self.name

    @property
    def owner(self):
        return self.job if self.job_id else self.template

    def siblings(self):
        """The stages of the same job or template, this one included."""
        if self.job_id:
            return Stage.objects.filter(job_id=self.job_id)
        return Stage.objects.filter(template_id=self.template_id)


class JobSite(models.Model):
    """A place where the job is posted (a job board, the company's own site): the original's "sites"."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=100)
    url = models.URLField("site address", max_length=500, blank=True)
    job_link = models.URLField("the job's address there", max_length=2000, blank=True)
    is_live = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}: {self.job}"
