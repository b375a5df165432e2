"""/api/v1/tasks/ and /api/v1/task-comments/: the tasks' pages' rules, through the API."""

import json
from datetime import UTC, date, datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import HiringTeamMember
from notifications.models import Category, Notification
from pipeline.interviews.models import Interview, PanelMember
from pipeline.tasks.models import Task, TaskComment
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/tasks/"
COMMENTS = "/api/v1/task-comments/"


def url(task):
    return f"{TASKS}{task.pk}/"


def member(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def foreign_task(other_organization):
    return Task.objects.create(organization=other_organization, title="Their task")


@pytest.fixture
def manager_on_panel(application, hiring_manager, organization):
    """The hiring manager sits on a panel of Ada's application (another team's job): they see it, don't manage it."""
    interview = Interview.objects.create(
        organization=organization, application=application, title="Chat", starts_at=datetime(2026, 6, 10, tzinfo=UTC)
    )
    PanelMember.objects.create(interview=interview, user=hiring_manager)
    return hiring_manager


# --- Credentials, organisations, roles ----------------------------------------------------------


@pytest.mark.parametrize("path", [TASKS, f"{TASKS}1/", COMMENTS, f"{COMMENTS}1/"])
def test_no_credentials_is_a_401(path):
    response = APIClient().get(path)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_another_organisations_task_is_a_404_whatever_the_method(api_for, owner, foreign_task):
    client = api_for(owner)

    answers = [client.get(url(foreign_task)), client.patch(url(foreign_task), {"status": "done"}),
               client.delete(url(foreign_task))]  # fmt: skip

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert answers[0].json() == {"detail": "No Task matches the given query."}
    foreign_task.refresh_from_db()
    assert foreign_task.status == Task.Status.OPEN


def test_a_read_only_key_reads_but_does_not_write(api_key_for, recruiter, task):
    client = api_key_for(member(recruiter), read_only=True)

    read = client.get(url(task))
    written = client.patch(url(task), {"status": "done"})
    made = client.post(TASKS, {"title": "Another"})

    assert read.status_code == 200 and read.json()["title"] == "Call the references"
    assert (written.status_code, made.status_code) == (403, 403)
    assert written.json() == {"detail": "This API key is read-only."}
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN
    assert Task.objects.count() == 1


# --- Listing ------------------------------------------------------------------------------------


def test_the_list_is_paginated_with_open_tasks_first_by_due_day(api_for, recruiter, make_task):
    later = make_task(title="Later", due_on=date(2026, 7, 1))
    sooner = make_task(title="Sooner", due_on=date(2026, 6, 1))
    undated = make_task(title="Whenever")
    done = make_task(title="Done already", status=Task.Status.DONE, due_on=date(2026, 1, 1))

    response = api_for(recruiter).get(TASKS, {"page_size": 3})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["previous"]) == (4, None)
    assert body["next"].endswith(f"{TASKS}?page=2&page_size=3")
    assert [row["id"] for row in body["results"]] == [sooner.pk, later.pk, undated.pk]
    second = api_for(recruiter).get(TASKS, {"page_size": 3, "page": 2}).json()
    assert [row["id"] for row in second["results"]] == [done.pk]


def test_a_task_reads_as_its_fields(api_for, recruiter, task, application):
    response = api_for(recruiter).get(url(task))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": task.pk, "title": "Call the references", "description": "Two of them.", "status": "open",
        "priority": "normal", "due_on": None, "assignee": recruiter.pk, "assignee_email": recruiter.email,
        "application_id": application.pk, "created_by": recruiter.pk, "completed_at": None, "completed_by": None,
        "created_at": body["created_at"], "updated_at": body["updated_at"],
    }  # fmt: skip
    assert body["created_at"].endswith("Z")


def test_an_interviewer_lists_only_the_tasks_given_to_them(api_for, interviewer, recruiter, make_task, task):
    theirs = make_task(title="Prepare questions", assignee=interviewer)

    response = api_for(interviewer).get(TASKS)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [theirs.pk]
    assert api_for(interviewer).get(url(task)).status_code == 404


def test_filters_by_status_assignee_application_due_day_and_words(api_for, recruiter, owner, make_task, task):
    mine = make_task(title="Book a room", assignee=owner, due_on=date(2026, 6, 5))
    done = make_task(title="Send the offer", status=Task.Status.DONE)
    client = api_for(recruiter)

    def ids(**params):
        response = client.get(TASKS, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="done") == {done.pk}
    assert ids(assignee=owner.pk) == {mine.pk}
    assert ids(unassigned="true") == {done.pk}
    assert ids(application=task.application_id) == {task.pk}
    assert ids(due_before="2026-06-05") == {mine.pk}
    assert ids(due_after="2026-06-06") == set()
    assert ids(search="offer") == {done.pk}


@pytest.mark.parametrize(
    "params",
    [{"assignee": "x"}, {"application": "99999999999999999999999"}, {"status": "maybe"}, {"due_before": "soon"},
     {"application": "-3"}],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_it(api_for, recruiter, params):
    response = api_for(recruiter).get(TASKS, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_listing_costs_the_same_queries_for_many_tasks(api_for, recruiter, make_task, job, stages,
                                                       django_assert_max_num_queries):  # fmt: skip
    client = api_for(recruiter)
    for index in range(3):
        make_task(title=f"Task {index}", assignee=recruiter, application=ApplicationFactory(job=job))
    with django_assert_max_num_queries(50) as few:
        assert client.get(TASKS).status_code == 200
    for index in range(20):
        make_task(title=f"More {index}", assignee=recruiter, application=ApplicationFactory(job=job))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(TASKS, {"page_size": 50})

    assert len(response.json()["results"]) == 23


# --- Making, changing, completing, removing -----------------------------------------------------


def test_a_recruiter_makes_a_task_and_the_assignee_hears_of_it(api_for, recruiter, owner, application,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    body = {"title": "  Call  the references ", "description": "Both.", "assignee": owner.pk,
            "application_id": application.pk, "due_on": "2026-06-12", "priority": "high"}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post(TASKS, body)

    assert response.status_code == 201
    task = Task.objects.get()
    assert response.json()["id"] == task.pk
    assert (task.title, task.description, task.assignee, task.application) == ("Call the references", "Both.", owner,
                                                                               application)  # fmt: skip
    assert (task.due_on, task.priority, task.created_by, task.status) == (date(2026, 6, 12), "high", recruiter, "open")
    notice = Notification.objects.get(recipient=owner, category=Category.TASK_ASSIGNED)
    assert "Call the references" in notice.title + notice.body


def test_a_task_is_completed_and_reopened_by_whoever_sees_it(api_for, interviewer, make_task):
    task = make_task(assignee=interviewer)
    client = api_for(interviewer)

    done = client.patch(url(task), {"status": "done"})
    again = client.patch(url(task), {"status": "done"})  # already so: nothing to do
    task.refresh_from_db()
    assert (done.status_code, again.status_code) == (200, 200)
    assert done.json()["status"] == "done" and done.json()["completed_by"] == interviewer.pk
    assert done.json()["completed_at"].endswith("Z")
    assert (task.status, task.completed_by) == (Task.Status.DONE, interviewer)

    reopened = client.patch(url(task), {"status": "open"})

    task.refresh_from_db()
    assert reopened.status_code == 200 and reopened.json()["completed_at"] is None
    assert (task.status, task.completed_at, task.completed_by) == (Task.Status.OPEN, None, None)


def test_the_task_create_complete_round_trip(api_for, recruiter):
    client = api_for(recruiter)

    made = client.post(TASKS, {"title": "Write the job ad"})
    completed = client.patch(f"{TASKS}{made.json()['id']}/", {"status": "done"})
    listed = client.get(TASKS, {"status": "done"})

    assert (made.status_code, completed.status_code) == (201, 200)
    assert made.json()["application_id"] is None and made.json()["assignee"] is None
    assert [row["title"] for row in listed.json()["results"]] == ["Write the job ad"]
    assert Task.objects.get().status == Task.Status.DONE


def test_a_task_made_done_is_completed_by_its_maker(api_for, recruiter):
    response = api_for(recruiter).post(TASKS, {"title": "Booked the room", "status": "done"})

    assert response.status_code == 201
    task = Task.objects.get()
    assert (task.status, task.completed_by) == (Task.Status.DONE, recruiter)
    assert response.json()["status"] == "done"


def test_a_patch_changes_what_it_names_and_hands_the_task_over(api_for, recruiter, owner, task,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).patch(url(task), {"due_on": "2026-07-01", "assignee": owner.pk})

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.title, task.description, task.due_on, task.assignee) == ("Call the references", "Two of them.",
                                                                          date(2026, 7, 1), owner)  # fmt: skip
    assert Notification.objects.filter(recipient=owner, category=Category.TASK_ASSIGNED).count() == 1


def test_a_task_is_removed(api_for, recruiter, task):
    TaskComment.objects.create(task=task, author=recruiter, body="Started.")

    response = api_for(recruiter).delete(url(task))

    assert response.status_code == 204
    assert not Task.objects.exists() and not TaskComment.objects.exists()


def test_a_hiring_manager_cant_assign_tasks_on_applications_they_dont_manage(api_for, manager_on_panel, application,
                                                                              make_task):  # fmt: skip
    theirs = make_task(application=application, assignee=manager_on_panel)
    client = api_for(manager_on_panel)

    made = client.post(TASKS, {"title": "Check references", "application_id": application.pk})
    handed = client.patch(url(theirs), {"assignee": None})
    removed = client.delete(url(theirs))
    completed = client.patch(url(theirs), {"status": "done"})

    assert (made.status_code, handed.status_code, removed.status_code) == (403, 403, 403)
    assert made.json() == {"detail": "Tasks about this application are for its hiring team."}
    assert completed.status_code == 200  # a task of theirs they may still do
    theirs.refresh_from_db()
    assert (theirs.assignee, theirs.status) == (manager_on_panel, Task.Status.DONE)
    assert Task.objects.count() == 1


def test_a_hiring_manager_assigns_tasks_on_their_jobs(api_for, hiring_manager, application, interviewer):
    HiringTeamMember.objects.create(job=application.job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    response = api_for(hiring_manager).post(TASKS, {"title": "Check references", "application_id": application.pk,
                                                    "assignee": hiring_manager.pk})  # fmt: skip

    assert response.status_code == 201
    assert Task.objects.get().assignee == hiring_manager


def test_only_recruiters_make_tasks_about_no_application(api_for, hiring_manager, interviewer):
    answers = [api_for(user).post(TASKS, {"title": "Anything"}) for user in (hiring_manager, interviewer)]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert answers[0].json() == {"detail": "Only recruiters make tasks about no application."}
    assert not Task.objects.exists()


def test_the_assignee_must_be_someone_who_sees_the_application(api_for, recruiter, interviewer, application):
    response = api_for(recruiter).post(TASKS, {"title": "Call", "application_id": application.pk,
                                               "assignee": interviewer.pk})  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"assignee": ["Not someone who may take this task."]}
    assert not Task.objects.exists()


def test_another_organisations_application_is_no_such_application(api_for, recruiter, other_organization):
    theirs = ApplicationFactory(job=make_job(other_organization))

    response = api_for(recruiter).post(TASKS, {"title": "Call", "application_id": theirs.pk})

    assert response.status_code == 400
    assert response.json() == {"application_id": ["No such application."]}


@pytest.mark.parametrize(
    "body, field",
    [({"title": "   "}, "title"), ({}, "title"), ({"title": "x", "priority": "asap"}, "priority"),
     ({"title": "x", "assignee": 10**30}, "assignee"), ({"title": "x", "assignee": "me"}, "assignee"),
     ({"title": "x", "due_on": "0001-01-01"}, "due_on"), ({"title": "x", "application_id": -1}, "application_id"),
     ({"title": "x" * 201}, "title")],
)  # fmt: skip
def test_invalid_input_is_a_400_keyed_by_field(api_for, recruiter, body, field):
    response = api_for(recruiter).post(TASKS, body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Task.objects.exists()


@pytest.mark.parametrize("body", [[], "x", 3, None])
def test_a_body_that_is_not_an_object_is_a_400(api_for, recruiter, task, body):
    client = api_for(recruiter)

    made = client.post(TASKS, json.dumps(body), content_type="application/json")
    changed = client.patch(url(task), json.dumps(body), content_type="application/json")

    assert (made.status_code, changed.status_code) == (400, 400)
    assert "non_field_errors" in made.json()


@pytest.mark.parametrize("odd", ["99999999999999999999999", "-1", "abc", "0.5"])
@pytest.mark.parametrize("resource", [TASKS, COMMENTS])
def test_an_id_that_is_no_id_is_a_json_404(api_for, recruiter, resource, odd):
    response = api_for(recruiter).get(f"{resource}{odd}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


# --- Comments -----------------------------------------------------------------------------------


def test_comments_are_listed_by_task_and_made_on_tasks_one_sees(api_for, recruiter, task, make_task):
    other = make_task(title="Other")
    first = TaskComment.objects.create(task=task, author=recruiter, body="Called one.")
    TaskComment.objects.create(task=other, author=recruiter, body="Elsewhere.")
    client = api_for(recruiter)

    made = client.post(COMMENTS, {"task": task.pk, "body": "  Called the other.  "})
    listed = client.get(COMMENTS, {"task": task.pk})

    assert made.status_code == 201
    comment = TaskComment.objects.get(pk=made.json()["id"])
    assert (comment.task, comment.author, comment.body) == (task, recruiter, "Called the other.")
    assert made.json() == {"id": comment.pk, "task": task.pk, "author": recruiter.pk, "author_email": recruiter.email,
                           "body": "Called the other.", "created_at": made.json()["created_at"]}  # fmt: skip
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    assert [row["id"] for row in listed.json()["results"]] == [first.pk, comment.pk]


def test_comments_are_read_only_once_written(api_for, recruiter, task):
    comment = TaskComment.objects.create(task=task, author=recruiter, body="Called one.")
    client = api_for(recruiter)

    answers = [client.patch(f"{COMMENTS}{comment.pk}/", {"body": "x"}), client.delete(f"{COMMENTS}{comment.pk}/")]

    assert [answer.status_code for answer in answers] == [405, 405]
    assert TaskComment.objects.get().body == "Called one."


def test_comments_follow_who_sees_the_task(api_for, interviewer, recruiter, task, foreign_task):
    hidden = TaskComment.objects.create(task=task, author=recruiter, body="Recruiters only.")
    foreign = TaskComment.objects.create(task=foreign_task, body="Theirs.")
    client = api_for(interviewer)

    listed = client.get(COMMENTS)
    made = client.post(COMMENTS, {"task": task.pk, "body": "Me too."})

    assert listed.status_code == 200 and listed.json()["results"] == []
    assert client.get(f"{COMMENTS}{hidden.pk}/").status_code == 404
    assert api_for(recruiter).get(f"{COMMENTS}{foreign.pk}/").status_code == 404
    assert made.status_code == 400 and made.json() == {"task": ["No such task."]}
    assert TaskComment.objects.count() == 2


def test_a_blank_comment_is_a_400(api_for, recruiter, task):
    response = api_for(recruiter).post(COMMENTS, {"task": task.pk, "body": "  "})

    assert response.status_code == 400
    assert list(response.json()) == ["body"]


def test_a_read_only_key_cant_comment(api_key_for, recruiter, task):
    response = api_key_for(member(recruiter), read_only=True).post(COMMENTS, {"task": task.pk, "body": "Hi"})

    assert response.status_code == 403
    assert not TaskComment.objects.exists()


def test_an_interviewer_comments_on_their_own_task(api_for, interviewer, organization):
    task = Task.objects.create(organization=organization, title="Prepare", assignee=interviewer)
    MembershipFactory(organization=organization)

    response = api_for(interviewer).post(COMMENTS, {"task": task.pk, "body": "Ready."})

    assert response.status_code == 201
    assert TaskComment.objects.get().author == interviewer


def test_listing_comments_costs_the_same_queries_for_many(api_for, recruiter, owner, task,
                                                          django_assert_max_num_queries):  # fmt: skip
    client = api_for(recruiter)
    TaskComment.objects.create(task=task, author=recruiter, body="First.")
    with django_assert_max_num_queries(50) as few:
        assert client.get(COMMENTS).status_code == 200
    TaskComment.objects.bulk_create(
        TaskComment(task=task, author=author, body=f"Comment {index}.")
        for index, author in enumerate([recruiter, owner] * 10)
    )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(COMMENTS, {"page_size": 50})

    assert response.json()["count"] == 21
    assert {row["author_email"] for row in response.json()["results"]} == {recruiter.email, owner.email}


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_write_to_an_id_that_is_no_id_is_a_json_404_even_with_csrf_checks(recruiter, method):
    """The unmatched path's answer (ats.views.api_not_found) is the API's, not the CSRF check's page."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(recruiter)

    response = getattr(client, method)(f"{TASKS}0.5/", {}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
