"""Tasks: made by a person or a stage action, done, reopened, handed over, talked about."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import reactions
from .models import Task, TaskComment


@transaction.atomic
def create_task(*, organization, title, by=None, assignee=None, application=None, description="", due_on=None,
                priority=Task.Priority.NORMAL, key=None):  # fmt: skip
    """A new open task; the assignee hears of it (unless they made it themselves).

    With a `key` ("action-run:<id>") a second call returns the first call's task: work that must
    make its task once (a stage action run twice) makes one.
    """
    title = " ".join(title.split())
    if not title:
        raise ValidationError("Give the task a title.")
    if key and (existing := Task.objects.filter(key=key).first()) is not None:
        return existing
    task = Task(
        organization=organization, application=application, title=title[:200], description=description,
        assignee=assignee, created_by=by, due_on=due_on, priority=priority, key=key or None,
    )  # fmt: skip
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        if not key:
            raise
        return Task.objects.get(key=key)  # made at the same instant by another run of the same work
    if assignee is not None and assignee != by:
        reactions.task_assigned(task)
    return task


def _locked(task):
    return Task.objects.select_for_update().get(pk=task.pk)


@transaction.atomic
def complete_task(*, task, by):
    locked = _locked(task)
    if locked.status == Task.Status.DONE:
        raise ValidationError("This task is already done.")
    locked.status, locked.completed_at, locked.completed_by = Task.Status.DONE, timezone.now(), by
    locked.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    return locked


@transaction.atomic
def reopen_task(*, task, by):
    locked = _locked(task)
    if locked.status == Task.Status.OPEN:
        raise ValidationError("This task is already open.")
    locked.status, locked.completed_at, locked.completed_by = Task.Status.OPEN, None, None
    locked.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    return locked


@transaction.atomic
def reassign_task(*, task, assignee, by):
    """Hand the task to `assignee` (None: nobody); they hear of it, and the reminders start again for them."""
    locked = _locked(task)
    if locked.assignee_id == getattr(assignee, "pk", None):
        return locked
    locked.assignee = assignee
    locked.due_reminder_on = locked.overdue_reminder_on = None
    locked.save(update_fields=["assignee", "due_reminder_on", "overdue_reminder_on", "updated_at"])
    if assignee is not None and assignee != by:
        reactions.task_assigned(locked)
    return locked


@transaction.atomic
def update_task(*, task, title, description="", due_on=None, priority=Task.Priority.NORMAL):
    """Change what the task says and when it is due. A new due day gets its own reminders: they are
    recorded for the day they were about (jobs.send_reminders)."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError("Give the task a title.")
    locked = _locked(task)
    locked.title, locked.description, locked.due_on, locked.priority = title[:200], description, due_on, priority
    locked.save(update_fields=["title", "description", "due_on", "priority", "updated_at"])
    return locked


def add_comment(*, task, author, body):
    body = body.strip()
    if not body:
        raise ValidationError("Write something first.")
    return TaskComment.objects.create(task=task, author=author, body=body[:5000])


def delete_task(*, task):
    """Remove a task and its comments (the API's DELETE; whoever may hand the task over may remove it)."""
    task.delete()
