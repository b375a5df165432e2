"""Background jobs of tasks (django-q2): telling an assignee, and the due and overdue reminders."""

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.middleware import viewer_zone
from notifications.models import Category
from notifications.services import notify

from .models import Task


def _url(task):
    return reverse("pipeline:task", args=[task.pk])


def notify_assigned(task_id, assignee_id):
    """Tell the assignee of a task made for them or handed to them (if it is still theirs and open)."""
    task = (
        Task.objects.select_related("organization", "assignee", "application__job")
        .filter(pk=task_id, assignee_id=assignee_id, status=Task.Status.OPEN)
        .first()
    )
    if task is None:
        return
    job = f" ({task.application.job.title})" if task.application_id else ""
    notify(
        category=Category.TASK_ASSIGNED, recipients=[task.assignee], organization=task.organization,
        key=f"task_assigned:{task.pk}:{assignee_id}", title=f"Task for you: {task.title}{job}",
        body=f"Due {date_format(task.due_on)}" if task.due_on else "", url=_url(task), target=task, subject="Tasks",
    )  # fmt: skip


def send_reminders(*, now=None):
    """Tell each assignee once on the day a task of theirs is due, and once when it is overdue.

    "Today" is the assignee's own (their zone, else their organisation's). Runs every 15 minutes;
    each reminder is recorded on the task (and keyed), so a second run tells nobody twice.
    Returns how many were sent.
    """
    now = now or timezone.now()
    # No zone is more than 14 hours ahead of UTC: a task due after tomorrow (UTC) is nobody's today.
    horizon = (now + timedelta(days=1)).date()
    candidates = (
        Task.objects.filter(status=Task.Status.OPEN, assignee__isnull=False, due_on__lte=horizon)
        .exclude(overdue_reminder_on=F("due_on"))
        .select_related("organization", "assignee", "application__job")
    )
    sent = 0
    for task in candidates:
        today = now.astimezone(viewer_zone(task.assignee, task.organization)).date()
        if task.due_on == today and task.due_reminder_on != task.due_on:
            field, title, key = "due_reminder_on", f"Due today: {task.title}", "task_due"
        elif task.due_on < today and task.overdue_reminder_on != task.due_on:
            field, title, key = "overdue_reminder_on", f"Overdue: {task.title}", "task_overdue"
        else:
            continue
        notify(
            category=Category.TASK_DUE, recipients=[task.assignee], organization=task.organization,
            key=f"{key}:{task.pk}:{task.due_on.isoformat()}", title=title,
            body=f"Due {date_format(task.due_on)}", url=_url(task), target=task, subject="Tasks",
        )  # fmt: skip
        Task.objects.filter(pk=task.pk).update(**{field: task.due_on})
        sent += 1
    return sent
