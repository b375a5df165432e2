"""Changing what a task says and when it is due: GET and POST /tasks/<id>/edit/."""

from datetime import date

import pytest

from pipeline.tasks.models import Task

pytestmark = pytest.mark.django_db


def url(task):
    return f"/tasks/{task.pk}/edit/"


def test_the_form_holds_the_task(client_for, recruiter, task):
    response = client_for(recruiter).get(url(task))

    assert response.status_code == 200
    assert 'value="Call the references"' in response.text
    assert "Two of them." in response.text
    assert 'name="assignee"' not in response.text  # handing over is the reassign form's


def test_saving_changes_it_and_goes_back_to_the_task(client_for, recruiter, task):
    body = {"title": " Call  both ", "description": "Mornings.", "due_on": "2026-12-24", "priority": "urgent"}

    response = client_for(recruiter).post(url(task), body)

    task.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert (task.title, task.description, task.due_on, task.priority) == (
        "Call both", "Mornings.", date(2026, 12, 24), "urgent"
    )  # fmt: skip


def test_a_new_due_day_gets_its_own_reminders(client_for, recruiter, task):
    Task.objects.filter(pk=task.pk).update(due_on=date(2026, 12, 1), due_reminder_on=date(2026, 12, 1))

    client_for(recruiter).post(url(task), {"title": "Call", "due_on": "2026-12-24", "priority": "normal"})

    task.refresh_from_db()
    assert task.due_on == date(2026, 12, 24)
    assert task.due_reminder_on != task.due_on


def test_an_invalid_form_keeps_what_was_typed(client_for, recruiter, task):
    response = client_for(recruiter).post(url(task), {"title": "", "description": "<keep>", "priority": "nope"})

    assert response.status_code == 400
    assert "&lt;keep&gt;" in response.text
    assert Task.objects.get(pk=task.pk).title == "Call the references"


def test_the_task_page_links_to_it_for_who_may_edit(client_for, recruiter, interviewer, task):
    task.assignee = interviewer
    task.save()

    assert f'href="/tasks/{task.pk}/edit/"' in client_for(recruiter).get(f"/tasks/{task.pk}/").text
    assert f'href="/tasks/{task.pk}/edit/"' not in client_for(interviewer).get(f"/tasks/{task.pk}/").text


def test_an_interviewer_may_not_edit_their_task_about_an_application_they_cant_see(client_for, interviewer, task):
    task.assignee = interviewer
    task.save()

    assert client_for(interviewer).get(url(task)).status_code == 403
    assert client_for(interviewer).post(url(task), {"title": "Mine now", "priority": "low"}).status_code == 403


def test_a_hiring_manager_edits_tasks_on_their_jobs(client_for, manager_on_team, task):
    response = client_for(manager_on_team).post(url(task), {"title": "Call", "priority": "high"})

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).priority == "high"


def test_another_organisations_task_is_404(client_for, other_organization, task):
    stranger = other_organization.memberships.get().user

    assert client_for(stranger).get(url(task)).status_code == 404
    assert client_for(stranger).post(url(task), {"title": "X", "priority": "low"}).status_code == 404
