"""workflow-templates/, workflow-steps/, workflow-actions/ and workflow-tasks/: the Stages editor as JSON."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import HiringTeamMember, Stage, StageTemplate
from mail.models import EmailTemplate
from pipeline.automation.models import StageAction
from tests.factories import make_job

pytestmark = pytest.mark.django_db
STEPS = "/api/v1/workflow-steps/"
ACTIONS = "/api/v1/workflow-actions/"
TASKS = "/api/v1/workflow-tasks/"
TEMPLATES = "/api/v1/workflow-templates/"


@pytest.fixture
def foreign_job(other_organization):
    return make_job(other_organization, title="Their job")


@pytest.mark.parametrize("url", [STEPS, ACTIONS, TASKS, TEMPLATES])
def test_no_credentials_is_a_401(url):
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("url", [STEPS, ACTIONS, TASKS, TEMPLATES])
def test_a_hiring_manager_may_not_see_workflows_as_on_the_pages(api_for, hiring_manager, job, url):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    response = api_for(hiring_manager).get(url)

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_a_jobs_steps_come_in_order_with_their_actions(api_for, recruiter, job, stages):
    response = api_for(recruiter).get(STEPS, {"job": job.pk, "page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [s["name"] for s in body["results"]] == [s.name for s in stages]
    first = body["results"][0]
    assert first["job"] == job.pk and first["template"] is None
    assert [a["action_type"] for a in first["actions"]] == ["email"]


def test_another_organisations_steps_actions_and_templates_are_404s(api_for, owner, foreign_job, other_organization):
    client = api_for(owner)
    stage = foreign_job.stages.first()
    action = StageAction.objects.filter(stage__job=foreign_job).first()
    template = StageTemplate.objects.get(organization=other_organization)

    for url in (f"{STEPS}{stage.pk}/", f"{ACTIONS}{action.pk}/", f"{TEMPLATES}{template.pk}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "detail" in response.json()
    assert client.delete(f"{STEPS}{stage.pk}/").status_code == 404
    assert Stage.objects.filter(pk=stage.pk).exists()
    assert client.get(STEPS, {"job": foreign_job.pk}).json()["count"] == 0


def test_steps_are_added_renamed_moved_switched_off_and_deleted(api_for, recruiter, job, stages):
    client = api_for(recruiter)

    created = client.post(STEPS, {"job": job.pk, "name": "Take-home test", "description": "Two hours"})
    assert created.status_code == 201, created.json()
    step = Stage.objects.get(pk=created.json()["id"])
    assert (step.job, step.name, step.order) == (job, "Take-home test", stages[-1].order + 1)
    renamed = client.patch(f"{STEPS}{step.pk}/", {"name": "Homework", "stale_after_days": 3})
    assert renamed.status_code == 200, renamed.json()
    moved = client.post(f"{STEPS}{step.pk}/move/", {"direction": "up"})
    assert moved.status_code == 200, moved.json()
    off = client.patch(f"{STEPS}{step.pk}/", {"is_active": False})
    assert off.json()["is_active"] is False
    step.refresh_from_db()
    assert (step.name, step.stale_after_days, step.is_active) == ("Homework", 3, False)
    assert list(job.stages.values_list("name", flat=True))[-2:] == ["Homework", stages[-1].name]
    assert client.delete(f"{STEPS}{step.pk}/").status_code == 204
    assert not Stage.objects.filter(pk=step.pk).exists()


def test_a_step_holding_applications_is_deleted_only_with_somewhere_to_move_them(
    api_for, recruiter, application, stages
):
    client = api_for(recruiter)

    refused = client.delete(f"{STEPS}{stages[0].pk}/")
    done = client.delete(f"{STEPS}{stages[0].pk}/", QUERY_STRING=f"move_to={stages[1].pk}")

    assert refused.status_code == 400
    assert "Choose a stage to move them to first" in refused.json()["non_field_errors"][0]
    assert done.status_code == 204
    application.refresh_from_db()
    assert application.current_stage == stages[1]


def test_a_step_needs_one_owner_of_the_organisation(api_for, recruiter, job, foreign_job):
    client = api_for(recruiter)

    neither = client.post(STEPS, {"name": "Orphan"})
    foreign = client.post(STEPS, {"name": "Sneaky", "job": foreign_job.pk})

    assert neither.status_code == 400
    assert "job" in neither.json()
    assert foreign.status_code == 400
    assert foreign.json() == {"job": ["No such job in your organisation."]}
    assert not Stage.objects.filter(name__in=["Orphan", "Sneaky"]).exists()


def test_a_template_is_created_from_the_default_and_listed_with_its_steps(api_for, recruiter, organization):
    client = api_for(recruiter)

    created = client.post(TEMPLATES, {"name": "Engineering"})

    assert created.status_code == 201, created.json()
    template = StageTemplate.objects.get(pk=created.json()["id"])
    default = StageTemplate.objects.get(organization=organization, is_default=True)
    assert template.stages.count() == default.stages.count()
    assert (
        StageAction.objects.filter(stage__template=template).count()
        == StageAction.objects.filter(stage__template=default).count()
    )
    listed = client.get(TEMPLATES).json()
    assert [t["name"] for t in listed["results"]] == ["Default hiring process", "Engineering"]
    assert listed["results"][1]["steps"][0]["actions"]


def test_actions_are_added_changed_switched_off_and_deleted_through_the_editor(
    api_for, recruiter, organization, stages
):
    client = api_for(recruiter)
    template = EmailTemplate.objects.get(organization=organization, key="offer")

    created = client.post(
        ACTIONS, {"step": stages[2].pk, "action_type": "Email", "email_template": template.pk, "to_candidate": True}
    )

    assert created.status_code == 201, created.json()
    action = StageAction.objects.get(pk=created.json()["id"])
    assert (action.stage, action.kind, action.email_template, action.to_candidate) == (
        stages[2],
        "email",
        template,
        True,
    )
    changed = client.patch(f"{ACTIONS}{action.pk}/", {"delay_minutes": 60, "is_active": False})
    assert changed.status_code == 200, changed.json()
    action.refresh_from_db()
    assert (action.delay_minutes, action.is_active) == (60, False)
    assert client.delete(f"{ACTIONS}{action.pk}/").status_code == 204
    assert not StageAction.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"action_type": "carrierPigeon"}, {"action_type"}),
        ({"action_type": "email"}, {"email_template"}),
        ({"action_type": "notification", "title": "Hi"}, {"recipients"}),
        (
            {"action_type": "meeting", "title": "Chat", "roles": ["interviewer"], "duration_minutes": 1},
            {"duration_minutes"},
        ),
        ({"action_type": "email", "title": "No titles on emails"}, {"title"}),
        ({"action_type": "task", "title": "x", "delay_minutes": 10**40}, {"delay_minutes"}),
    ],
)
def test_what_the_editor_refuses_is_a_400_naming_the_field(api_for, recruiter, stages, body, errors):
    response = api_for(recruiter).post(ACTIONS, {"step": stages[0].pk, **body}, format="json")

    assert response.status_code == 400
    assert errors <= set(response.json()), response.json()
    assert not StageAction.objects.filter(stage=stages[0]).exclude(kind="email").exists()


def test_another_organisations_email_template_is_refused(api_for, recruiter, stages, other_organization):
    theirs = EmailTemplate.objects.filter(organization=other_organization).first()

    response = api_for(recruiter).post(
        ACTIONS, {"step": stages[0].pk, "action_type": "email", "email_template": theirs.pk, "to_candidate": True}
    )

    assert response.status_code == 400
    # The same answer as an id that exists nowhere: nothing says which ids other organisations have.
    assert response.json() == {"email_template": ["Choose the email template to send."]}


def test_an_actions_type_never_changes(api_for, recruiter, stages):
    action = StageAction.objects.filter(stage=stages[0]).first()

    response = api_for(recruiter).patch(f"{ACTIONS}{action.pk}/", {"action_type": "task"})

    assert response.status_code == 400
    assert response.json() == {"action_type": ["An action keeps its type: add another action."]}


def test_tasks_are_task_actions(api_for, recruiter, stages):
    client = api_for(recruiter)

    created = client.post(
        TASKS,
        {"step": stages[3].pk, "task_name": "Book a room", "task_description": "Big one", "roles": ["Recruiter"],
         "due_in_days": 2, "priority": "High"},
        format="json",
    )  # fmt: skip

    assert created.status_code == 201, created.json()
    action = StageAction.objects.get(pk=created.json()["id"])
    assert (action.kind, action.title, action.body, action.roles) == ("task", "Book a room", "Big one", ["recruiter"])
    assert (action.due_in_days, action.priority) == (2, "high")
    listed = client.get(TASKS, {"step": stages[3].pk}).json()
    assert {t["task_name"] for t in listed["results"]} == {"Send the technical assessment", "Book a room"}
    assert client.patch(f"{TASKS}{action.pk}/", {"task_name": "Book the big room"}).status_code == 200
    action.refresh_from_db()
    assert action.title == "Book the big room"
    email = StageAction.objects.filter(stage=stages[0], kind="email").first()
    assert client.get(f"{TASKS}{email.pk}/").status_code == 404


def test_a_read_only_key_reads_but_does_not_write(api_key_for, recruiter, stages):
    client = api_key_for(Membership.objects.get(user=recruiter), read_only=True)

    assert client.get(STEPS).status_code == 200
    response = client.post(STEPS, {"job": stages[0].job_id, "name": "Nope"})
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}
    assert not Stage.objects.filter(name="Nope").exists()


def test_the_steps_list_costs_the_same_queries_for_more_jobs(api_for, recruiter, organization, job):
    client = api_for(recruiter)
    client.get(STEPS)
    with CaptureQueriesContext(connection) as few:
        client.get(STEPS, {"page_size": 100})
    few_count = len(few)
    for _ in range(5):
        make_job(organization)
    with CaptureQueriesContext(connection) as many:
        response = client.get(STEPS, {"page_size": 100})

    assert response.json()["count"] > 40
    assert len(many) == few_count


def test_the_actions_list_costs_the_same_queries_for_more_jobs(api_for, recruiter, organization, job):
    client = api_for(recruiter)
    client.get(ACTIONS)
    with CaptureQueriesContext(connection) as few:
        client.get(ACTIONS, {"page_size": 100})
    few_count = len(few)
    for _ in range(5):
        make_job(organization)
    with CaptureQueriesContext(connection) as many:
        response = client.get(ACTIONS, {"page_size": 100})

    assert response.json()["count"] > 50
    assert len(many) == few_count


def test_a_step_holding_applications_stays_on_and_keeps_its_name(api_for, recruiter, application, stages):
    response = api_for(recruiter).patch(f"{STEPS}{stages[0].pk}/", {"name": "Renamed", "is_active": False})

    assert response.status_code == 400
    assert "Move the applications out" in response.json()["non_field_errors"][0]
    stages[0].refresh_from_db()
    assert (stages[0].name, stages[0].is_active) == ("Application Received", True)


@pytest.mark.parametrize("url", [TEMPLATES, TASKS])
def test_other_lists_cost_the_same_queries_for_more_rows(api_for, recruiter, organization, job, url):
    client = api_for(recruiter)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"page_size": 100})
    few_count = len(few)
    for name in ("Sales", "Support", "Design"):
        client.post(TEMPLATES, {"name": name})
        make_job(organization)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"page_size": 100})

    assert response.json()["count"] >= 4
    assert len(many) == few_count
