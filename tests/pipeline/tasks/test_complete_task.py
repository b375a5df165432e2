"""Completing and reopening a task: POST /tasks/<id>/complete/ and /tasks/<id>/reopen/ (htmx: the row again)."""

import pytest

from pipeline.tasks.models import Task

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def complete(task):
    return f"/tasks/{task.pk}/complete/"


def reopen(task):
    return f"/tasks/{task.pk}/reopen/"


def test_completing_records_who_and_when_and_goes_back(client_for, recruiter, task):
    response = client_for(recruiter).post(complete(task), {"next": "/tasks/?priority=high"})

    task.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/tasks/?priority=high"
    assert (task.status, task.completed_by) == ("done", recruiter)
    assert task.completed_at is not None


def test_without_next_it_goes_to_the_task(client_for, recruiter, task):
    response = client_for(recruiter).post(complete(task), {"next": "https://evil.example/"})

    assert response["Location"] == f"/tasks/{task.pk}/"


def test_htmx_gets_the_row_done_with_a_toast(client_for, recruiter, task):
    response = client_for(recruiter).post(complete(task), {"next": "/tasks/"}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li class="list-group-item task-row task-done" id="task-{task.pk}">')
    assert f'action="/tasks/{task.pk}/reopen/"' in response.text
    assert 'data-hx-swap-oob="beforeend:#toasts"' in response.text
    assert "Done: Call the references." in response.text


def test_the_row_shows_the_assignee_only_where_the_list_does(client_for, recruiter, task):
    client = client_for(recruiter)

    mine = client.post(complete(task), {"next": "/tasks/"}, headers=HTMX)
    client.post(reopen(task))
    anyone = client.post(complete(task), {"next": "/tasks/?assignee=anyone"}, headers=HTMX)

    assert "bi-person" not in mine.text
    assert recruiter.get_full_name() in anyone.text


def test_completing_a_done_task_changes_nothing_and_says_so(client_for, recruiter, task, owner):
    Task.objects.filter(pk=task.pk).update(status="done", completed_by=owner)

    response = client_for(recruiter).post(complete(task), follow=True)

    task.refresh_from_db()
    assert response.status_code == 200
    assert task.completed_by == owner
    assert "This task is already done." in response.text


def test_reopening_clears_the_completion(client_for, recruiter, task):
    client = client_for(recruiter)
    client.post(complete(task))

    response = client.post(reopen(task), headers=HTMX)

    task.refresh_from_db()
    assert response.status_code == 200
    assert (task.status, task.completed_at, task.completed_by) == ("open", None, None)
    assert f'action="/tasks/{task.pk}/complete/"' in response.text


@pytest.mark.parametrize("path", [complete, reopen])
def test_get_is_refused(client_for, recruiter, task, path):
    assert client_for(recruiter).get(path(task)).status_code == 405


@pytest.mark.parametrize("path", [complete, reopen])
def test_another_organisations_task_is_404(client_for, other_organization, task, path):
    stranger = other_organization.memberships.get().user

    assert client_for(stranger).post(path(task)).status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


def test_an_interviewer_completes_their_own_task_not_others(client_for, interviewer, task, make_task):
    theirs = make_task(title="Theirs", assignee=interviewer, application=task.application)
    client = client_for(interviewer)

    assert client.post(complete(theirs)).status_code == 302
    assert client.post(complete(task)).status_code == 404
    assert Task.objects.get(pk=theirs.pk).status == "done"
    assert Task.objects.get(pk=task.pk).status == "open"


def test_a_hiring_manager_completes_tasks_on_their_jobs(client_for, manager_on_team, task):
    assert client_for(manager_on_team).post(complete(task)).status_code == 302
    assert Task.objects.get(pk=task.pk).status == "done"
