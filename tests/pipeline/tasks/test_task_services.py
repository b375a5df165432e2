"""pipeline.tasks.services: making, completing, reopening, handing over and commenting on tasks."""

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Category, Notification
from pipeline.tasks import services
from pipeline.tasks.jobs import notify_assigned
from pipeline.tasks.models import Task

pytestmark = pytest.mark.django_db


def assigned():
    return list(
        Notification.objects.filter(category=Category.TASK_ASSIGNED).order_by("pk").values_list("recipient", "title")
    )


def test_the_assignee_hears_of_a_task_made_for_them(
    organization, recruiter, owner, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = services.create_task(
            organization=organization, title="Screen Ada", by=recruiter, assignee=owner, application=application
        )

    assert assigned() == [(owner.pk, "Task for you: Screen Ada (Backend Engineer)")]
    assert Notification.objects.get().url == f"/tasks/{task.pk}/"


def test_a_task_made_by_a_stage_action_tells_its_assignee(organization, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_task(organization=organization, title="Call the first reference", assignee=owner)

    assert assigned() == [(owner.pk, "Task for you: Call the first reference")]


def test_nobody_hears_of_a_task_they_made_for_themselves(organization, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_task(organization=organization, title="Note to self", by=owner, assignee=owner)

    assert assigned() == []


def test_a_task_done_before_the_notice_runs_tells_nobody(organization, owner, recruiter):
    task = services.create_task(organization=organization, title="Quick one", by=recruiter, assignee=owner)
    services.complete_task(task=task, by=owner)

    notify_assigned(task.pk, owner.pk)
    notify_assigned(999_999, owner.pk)  # gone: nothing, no error

    assert assigned() == []


def test_a_key_makes_the_task_once(organization, owner):
    first = services.create_task(organization=organization, title="Call", assignee=owner, key="action-run:1")
    again = services.create_task(organization=organization, title="Call", assignee=owner, key="action-run:1")

    assert first == again
    assert Task.objects.count() == 1


def test_a_title_is_one_line_and_required(organization):
    task = services.create_task(organization=organization, title="  Call \n the  references ")

    assert task.title == "Call the references"
    with pytest.raises(ValidationError):
        services.create_task(organization=organization, title=" \n ")


def test_complete_then_reopen(organization, owner):
    task = services.create_task(organization=organization, title="Call")

    done = services.complete_task(task=task, by=owner)
    with pytest.raises(ValidationError, match="already done"):
        services.complete_task(task=task, by=owner)
    reopened = services.reopen_task(task=task, by=owner)
    with pytest.raises(ValidationError, match="already open"):
        services.reopen_task(task=task, by=owner)

    assert (done.status, done.completed_by) == ("done", owner)
    assert (reopened.status, reopened.completed_at, reopened.completed_by) == ("open", None, None)


def test_handing_over_tells_the_new_assignee_once(organization, owner, recruiter, django_capture_on_commit_callbacks):
    task = services.create_task(organization=organization, title="Call", by=owner, assignee=owner)

    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_task(task=task, assignee=recruiter, by=owner)
        services.reassign_task(task=task, assignee=recruiter, by=owner)  # no change: nothing

    assert assigned() == [(recruiter.pk, "Task for you: Call")]


def test_a_comment_is_trimmed_and_required(organization, owner):
    task = services.create_task(organization=organization, title="Call")

    comment = services.add_comment(task=task, author=owner, body="  Called.  ")

    assert comment.body == "Called."
    with pytest.raises(ValidationError):
        services.add_comment(task=task, author=owner, body="   ")
