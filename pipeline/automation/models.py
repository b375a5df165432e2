"""Stage actions (what entering a stage sets off) and their runs (each time one was set off)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from jobs.models import HiringTeamMember, Stage
from mail.models import EmailTemplate

from ..applications.models import Application, ApplicationStageHistory
from ..tasks.models import Task


class StageAction(models.Model):
    """One thing that happens when an application enters `stage` (a job's, or a stage template's).

    Whom it concerns: `to_candidate` (emails only), hiring-team `roles` and named `members` (user
    ids): an email's recipients, a notification's, a task's assignee (the first found) and a
    meeting's interviewers. Only active members who may see the application are ever reached.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        NOTIFICATION = "notification", "Notification"
        TASK = "task", "Task"
        MEETING = "meeting", "Meeting"

    class SlotRule(models.TextChoices):
        NEXT_WORKING_DAY = "next_working_day", "Next working day at 10:00"
        TO_SCHEDULE = "to_schedule", "To schedule"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    to_candidate = models.BooleanField(default=False)
    roles = models.JSONField(default=list, blank=True)
    members = models.JSONField(default=list, blank=True)
    email_template = models.ForeignKey(
        EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "Two days after entering, unless moved on": 0 is at once.
    delay_minutes = models.PositiveIntegerField(default=0)
    # A notification's message, a task's or a meeting's title; the description below. Variables allowed.
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, max_length=5000)
    due_in_days = models.PositiveSmallIntegerField(null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Task.Priority.choices, default=Task.Priority.NORMAL)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    slot_rule = models.CharField(max_length=20, choices=SlotRule.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.summary

    @property
    def summary(self):
        """What it does, in a few words ("Email “Offer” to the candidate")."""
        if self.kind == self.Kind.EMAIL:
            name = self.email_template.name if self.email_template else "(no template)"
            return f"Email “{name}” to {self.audience or 'nobody yet'}"
        if self.kind == self.Kind.NOTIFICATION:
            return f"Notify {self.audience or 'nobody yet'}: {self.title}"
        if self.kind == self.Kind.TASK:
            return f"Task “{self.title}” for {self.audience or 'whoever picks it up'}"
        return f"Meeting “{self.title}” with {self.audience or 'interviewers to choose'}"

    @property
    def audience(self):
        role_names = dict(HiringTeamMember.Role.choices)
        parts = ["the candidate"] if self.to_candidate and self.kind == self.Kind.EMAIL else []
        if set(self.roles) >= set(role_names):
            parts.append("the whole hiring team")
        else:
            parts += [f"the {role_names.get(role, role).lower()}" for role in self.roles]
        if self.members:
            parts.append(f"{len(self.members)} named member{'s' if len(self.members) != 1 else ''}")
        return ", ".join(parts)

    @property
    def emails_candidate(self):
        """Writes to the candidate: an email to them, or a meeting it schedules (its invitation goes to
        them). Such a run waits out a drag's Undo window and is never set off for a person a recruiter
        added (see services.start_stage_actions)."""
        if self.kind == self.Kind.MEETING:
            return self.slot_rule == self.SlotRule.NEXT_WORKING_DAY
        return self.kind == self.Kind.EMAIL and self.to_candidate

    @property
    def asks_first(self):
        """An offer or a rejection to the candidate commits the company: a person confirms it, never a bare drag."""
        template = self.email_template
        return self.emails_candidate and template is not None and template.category in ASK_FIRST_CATEGORIES


ASK_FIRST_CATEGORIES = (EmailTemplate.Category.OFFER, EmailTemplate.Category.REJECTION)


class ActionRun(models.Model):
    """One action set off for one application: by entering a stage (`history`), or by a rejection's email.

    Unique per action and stage entry, written in the move's own transaction: the row is the
    record that the work is owed, found by the sweeper should its task be lost.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for confirmation"
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Trigger(models.TextChoices):
        STAGE = "stage", "Entering a stage"
        REJECTION = "rejection", "A rejection"

    action = models.ForeignKey(StageAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="action_runs")
    history = models.ForeignKey(
        ApplicationStageHistory, null=True, blank=True, on_delete=models.CASCADE, related_name="action_runs"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.STAGE)
    kind = models.CharField(max_length=12, choices=StageAction.Kind.choices)
    # What it does, as the timeline says it; kept when the action is edited or deleted.
    label = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    # When a task was last queued for it: the sweeper re-queues a pending run whose task was lost.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.CharField(max_length=300, blank=True)
    # A person's own words to send instead of the template's (the confirm form, the rejection form).
    email_subject = models.CharField(max_length=255, blank=True)
    email_body = models.TextField(blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "history"],
                condition=models.Q(action__isnull=False, history__isnull=False),
                name="one_run_per_action_and_entry",
            )
        ]
        indexes = [
            # The sweeper: pending runs whose time has come.
            models.Index(fields=["status", "due_at"], name="action_run_due_idx"),
            models.Index(fields=["application", "status"], name="action_run_application_idx"),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_status_display().lower()})"

    @property
    def can_retry(self):
        return self.status == self.Status.FAILED

    @property
    def can_cancel(self):
        return self.status in (self.Status.PENDING, self.Status.WAITING)
