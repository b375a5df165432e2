"""Tasks: a piece of hiring work someone owns (screen this resume, call these references), due on a day."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization

from ..applications.models import Application


class Task(models.Model):
    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tasks")
    # A task about one application is erased with it (and with its candidate).
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # A day, not an instant: "due Friday" means Friday wherever the assignee is.
    due_on = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Work that must make its task once names it ("action-run:<id>"): making it again finds this row.
    key = models.CharField(max_length=150, null=True, blank=True, unique=True, editable=False)
    # The reminders, each sent once: "due today" and "overdue" (for the due day they were sent about).
    due_reminder_on = models.DateField(null=True, blank=True, editable=False)
    overdue_reminder_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", models.F("due_on").asc(nulls_last=True), "pk"]
        indexes = [
            # "My tasks": one person's open tasks by due day.
            models.Index(fields=["assignee", "status", "due_on"], name="task_mine_idx"),
            # Everyone's, for recruiters, and the reminders' scan of open tasks due by a day.
            models.Index(fields=["organization", "status", "due_on"], name="task_org_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment on {self.task}"
