"""Making a task: GET and POST /tasks/new/ (?application=<id> from the candidate page)."""

from datetime import date

import pytest

from notifications.models import Category, Notification
from pipeline.tasks.models import Task
from tests.factories import ApplicationFactory, UserFactory, make_job

pytestmark = pytest.mark.django_db

URL = "/tasks/new/"


def test_a_recruiter_makes_a_task_about_an_application(
    client_for, recruiter, hiring_manager, manager_on_team, application
):
    body = {"title": "  Call   the references ", "description": "Both.", "assignee": manager_on_team.pk}
    body |= {"due_on": "2026-12-24", "priority": "high"}

    response = client_for(recruiter).post(URL, {"application": application.pk, **body})

    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert (task.title, task.application, task.assignee, task.created_by) == (
        "Call the references", application, manager_on_team, recruiter
    )  # fmt: skip
    assert (task.due_on, task.priority, task.organization_id) == (
        date(2026, 12, 24),
        "high",
        application.job.organization_id,
    )


def test_it_goes_back_to_the_candidate_page_it_came_from(client_for, recruiter, application):
    back = f"/candidates/{application.candidate_id}/#application-{application.pk}"

    body = {"application": application.pk, "title": "Call", "priority": "normal", "next": back}

    response = client_for(recruiter).post(URL, body)

    assert response.status_code == 302
    assert response["Location"] == back
    assert Task.objects.get().application == application


def test_it_never_sends_you_off_the_site(client_for, recruiter):
    response = client_for(recruiter).post(URL, {"title": "Call", "priority": "normal", "next": "//evil.example/"})

    assert response["Location"] == f"/tasks/{Task.objects.get().pk}/"


def test_the_form_prefills_the_application_and_me(client_for, recruiter, application):
    response = client_for(recruiter).get(URL, {"application": application.pk})

    assert response.status_code == 200
    assert "About Ada" in response.text
    assert response.context["form"]["assignee"].value() == recruiter.pk


def test_assignees_are_who_may_see_the_application(
    client_for, recruiter, interviewer, manager_on_team, application, organization
):
    outsider = UserFactory()

    response = client_for(recruiter).get(URL, {"application": application.pk})

    choices = set(response.context["form"].fields["assignee"].queryset)
    assert {recruiter, manager_on_team} <= choices
    assert interviewer not in choices  # on no team: they see no application
    assert outsider not in choices


def test_someone_who_may_not_see_it_cant_be_given_the_task(client_for, recruiter, interviewer, application):
    body = {"title": "Call", "priority": "normal", "assignee": interviewer.pk}

    response = client_for(recruiter).post(URL, {"application": application.pk, **body})

    assert response.status_code == 400
    assert not Task.objects.exists()
    assert 'value="Call"' in response.text  # what was typed stays


def test_a_missing_title_keeps_what_was_typed(client_for, recruiter):
    response = client_for(recruiter).post(URL, {"title": "   ", "description": "Keep <this>", "priority": "normal"})

    assert response.status_code == 400
    assert "Keep &lt;this&gt;" in response.text
    assert not Task.objects.exists()


def test_the_assignee_hears_of_it_but_not_who_assigned_themselves(
    client_for, recruiter, owner, django_capture_on_commit_callbacks
):
    client = client_for(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"title": "For the owner", "priority": "normal", "assignee": owner.pk})
        client.post(URL, {"title": "For me", "priority": "normal", "assignee": recruiter.pk})

    told = Notification.objects.filter(category=Category.TASK_ASSIGNED)
    assert [(n.recipient, n.title) for n in told] == [(owner, "Task for you: For the owner")]
    assert told.get().url == f"/tasks/{Task.objects.get(title='For the owner').pk}/"


def test_a_hiring_manager_makes_tasks_about_applications_they_see_only(
    client_for, manager_on_team, organization, application
):
    hidden = ApplicationFactory(job=make_job(organization))
    client = client_for(manager_on_team)

    assert client.get(URL, {"application": application.pk}).status_code == 200
    assert client.get(URL, {"application": hidden.pk}).status_code == 404
    assert client.get(URL).status_code == 403  # a task about no one is the recruiters'
    refused = client.post(URL, {"title": "Book a room", "priority": "normal"})
    assert refused.status_code == 400
    assert "Only recruiters make tasks about no candidate" in refused.text
    assert client.post(URL).status_code == 400  # an empty form too
    assert not Task.objects.exists()


def test_an_interviewer_makes_no_task(client_for, interviewer, application):
    client = client_for(interviewer)

    assert client.get(URL).status_code == 403
    assert client.get(URL, {"application": application.pk}).status_code == 404


def test_another_organisations_application_is_404(client_for, other_organization, application):
    stranger = other_organization.memberships.get().user

    assert client_for(stranger).get(URL, {"application": application.pk}).status_code == 404
    assert client_for(stranger).post(URL, {"application": application.pk, "title": "X"}).status_code == 404


def test_a_nonsense_application_is_404(client_for, recruiter):
    assert client_for(recruiter).get(URL, {"application": "abc"}).status_code == 404
