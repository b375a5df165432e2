"""A task's page: GET /tasks/<id>/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pipeline.tasks.models import TaskComment

pytestmark = pytest.mark.django_db


def url(task):
    return f"/tasks/{task.pk}/"


def test_it_shows_the_task_with_its_candidate_and_job(client_for, recruiter, task):
    response = client_for(recruiter).get(url(task))

    assert response.status_code == 200
    assert "Call the references" in response.text
    assert "<p>Two of them.</p>" in response.text
    assert f'href="/candidates/{task.application.candidate_id}/#application-{task.application_id}"' in response.text
    assert "Backend Engineer" in response.text
    assert f'action="/tasks/{task.pk}/complete/"' in response.text
    assert f'action="/tasks/{task.pk}/reassign/"' in response.text


def test_the_description_and_comments_are_escaped_with_their_line_breaks(client_for, recruiter, task):
    task.description = "First <script>alert(1)</script>\nsecond"
    task.save()
    TaskComment.objects.create(task=task, author=recruiter, body='<div hx-get="/x" hx-trigger="load">\nok</div>')

    response = client_for(recruiter).get(url(task))

    assert response.status_code == 200
    assert "First &lt;script&gt;alert(1)&lt;/script&gt;<br>second" in response.text
    assert "&lt;div hx-get=&quot;/x&quot; hx-trigger=&quot;load&quot;&gt;<br>ok&lt;/div&gt;" in response.text
    assert "<script>alert(1)" not in response.text


def test_an_overdue_task_says_so(client_for, recruiter, task):
    task.due_on = timezone.localdate() - timedelta(days=3)
    task.save()

    response = client_for(recruiter).get(url(task))

    assert "(overdue)" in response.text


def test_a_done_task_offers_reopen(client_for, recruiter, task):
    task.status, task.completed_at, task.completed_by = "done", timezone.now(), recruiter
    task.save()

    response = client_for(recruiter).get(url(task))

    assert response.status_code == 200
    assert f'action="/tasks/{task.pk}/reopen/"' in response.text
    assert f'action="/tasks/{task.pk}/complete/"' not in response.text


def test_it_refuses_post(client_for, recruiter, task):
    assert client_for(recruiter).post(url(task)).status_code == 405


def test_another_organisations_task_is_404(client_for, other_organization, task):
    stranger = other_organization.memberships.get().user

    assert client_for(stranger).get(url(task)).status_code == 404


def test_a_missing_task_is_404(client_for, recruiter):
    assert client_for(recruiter).get("/tasks/999999/").status_code == 404


def test_the_assignee_sees_it_without_the_reassign_form_when_they_cant_see_the_application(
    client_for, interviewer, task
):
    task.assignee = interviewer
    task.save()

    response = client_for(interviewer).get(url(task))

    assert response.status_code == 200
    assert f'action="/tasks/{task.pk}/complete/"' in response.text
    assert f'action="/tasks/{task.pk}/reassign/"' not in response.text
    assert "/candidates/" not in response.text.split("<main")[1]  # the name, unlinked


def test_an_interviewer_cant_open_someone_elses_task(client_for, interviewer, task):
    assert client_for(interviewer).get(url(task)).status_code == 404


def test_a_hiring_manager_opens_tasks_on_their_jobs_only(client_for, manager_on_team, hiring_manager, task, make_task):
    elsewhere = make_task(title="Not about my jobs")

    client = client_for(manager_on_team)

    assert client.get(url(task)).status_code == 200
    assert client.get(url(elsewhere)).status_code == 404
