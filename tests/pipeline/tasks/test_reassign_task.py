"""Handing a task over: POST /tasks/<id>/reassign/."""

import pytest

from notifications.models import Category, Notification
from pipeline.tasks.models import Task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(task):
    return f"/tasks/{task.pk}/reassign/"


def test_it_hands_the_task_over_and_the_new_assignee_hears_of_it(
    client_for, recruiter, manager_on_team, task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(recruiter).post(url(task), {"assignee": manager_on_team.pk})

    task.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert task.assignee == manager_on_team
    told = Notification.objects.get(category=Category.TASK_ASSIGNED)
    assert (told.recipient, told.title) == (manager_on_team, "Task for you: Call the references (Backend Engineer)")


def test_taking_it_yourself_tells_nobody(client_for, owner, task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(url(task), {"assignee": owner.pk})

    assert Task.objects.get(pk=task.pk).assignee == owner
    assert not Notification.objects.filter(category=Category.TASK_ASSIGNED).exists()


def test_nobody_is_a_choice(client_for, recruiter, task):
    response = client_for(recruiter).post(url(task), {"assignee": ""})

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).assignee is None


def test_someone_who_cant_see_the_application_is_refused_with_the_page(client_for, recruiter, interviewer, task):
    response = client_for(recruiter).post(url(task), {"assignee": interviewer.pk})

    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert Task.objects.get(pk=task.pk).assignee == recruiter


def test_a_stranger_is_refused(client_for, recruiter, task):
    response = client_for(recruiter).post(url(task), {"assignee": UserFactory().pk})

    assert response.status_code == 400


def test_get_is_refused(client_for, recruiter, task):
    assert client_for(recruiter).get(url(task)).status_code == 405


def test_another_organisations_task_is_404(client_for, other_organization, task):
    stranger = other_organization.memberships.get().user

    assert client_for(stranger).post(url(task), {"assignee": stranger.pk}).status_code == 404


def test_an_interviewer_may_not_hand_over_their_task(client_for, interviewer, task):
    task.assignee = interviewer
    task.save()

    assert client_for(interviewer).post(url(task), {"assignee": ""}).status_code == 403
    assert Task.objects.get(pk=task.pk).assignee == interviewer


def test_a_hiring_manager_hands_over_tasks_on_their_jobs(client_for, manager_on_team, recruiter, task):
    assert client_for(manager_on_team).post(url(task), {"assignee": manager_on_team.pk}).status_code == 302
    assert Task.objects.get(pk=task.pk).assignee == manager_on_team


def test_only_recruiters_hand_over_a_task_about_no_one(client_for, manager_on_team, recruiter, make_task):
    own = make_task(title="Book the room", assignee=manager_on_team, created_by=recruiter)

    assert client_for(manager_on_team).post(url(own), {"assignee": ""}).status_code == 403
    assert client_for(recruiter).post(url(own), {"assignee": ""}).status_code == 302
