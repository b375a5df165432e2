"""Editing stages: a job's pipeline (/jobs/<id>/workflow/), reusable templates (/workflows/), and
switching a job to a template (/jobs/<id>/workflow/apply/)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from pipeline import services
from pipeline.models import Application, WorkflowStep, WorkflowTemplate
from pipeline.services import default_workflow, workflow_for
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(organization):
    return make_job(organization, title="Backend Engineer")


@pytest.fixture
def workflow(job):
    return workflow_for(job)


@pytest.fixture
def stages(workflow):
    return list(workflow.steps.all())


@pytest.fixture
def client(client_for, recruiter):
    return client_for(recruiter)


def editor(job):
    return f"/jobs/{job.pk}/workflow/"


def names(workflow, active_only=False):
    steps = workflow.steps.filter(is_active=True) if active_only else workflow.steps.all()
    return list(steps.values_list("name", flat=True))


def step_url(step, action):
    return f"/workflows/steps/{step.pk}/{action}/"


# --- A job's stages --------------------------------------------------------------------


def test_the_editor_lists_the_jobs_stages_with_their_counts(client, job, stages):
    ApplicationFactory(job=job, current_stage=stages[1])
    ApplicationFactory(job=job, current_stage=stages[1], status=Application.Status.REJECTED)

    response = client.get(editor(job))

    assert response.status_code == 200
    assert response.text.count('action="/workflows/steps/') >= len(stages)
    assert "1 active · 2 in all" in response.text
    assert "Stages of Backend Engineer" in response.text


def test_adding_a_stage_puts_it_last(client, job, workflow):
    response = client.post(f"/workflows/{workflow.pk}/steps/", {"name": "  Take-home task "})

    assert response.status_code == 302
    assert response["Location"] == editor(job)
    assert names(workflow)[-1] == "Take-home task"
    assert "Take-home task" in client.get(f"/jobs/{job.pk}/board/").text


def test_a_stage_needs_a_name(client, workflow):
    response = client.post(f"/workflows/{workflow.pk}/steps/", {"name": " "}, follow=True)

    assert "Give the stage a name." in response.text
    assert workflow.steps.count() == 8


def test_renaming_a_stage(client, stages):
    client.post(step_url(stages[2], "rename"), {"name": "Recruiter call", "description": "15 minutes"})

    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].description) == ("Recruiter call", "15 minutes")


def test_renaming_to_nothing_is_refused(client, stages):
    response = client.post(step_url(stages[2], "rename"), {"name": ""}, follow=True)

    assert "A stage needs a name." in response.text
    stages[2].refresh_from_db()
    assert stages[2].name == "Phone Screen"


def test_reordering_up_and_down(client, workflow, stages):
    client.post(step_url(stages[2], "move"), {"direction": "up"})
    assert names(workflow)[:3] == ["Application Received", "Phone Screen", "Initial Screening"]

    client.post(step_url(stages[0], "move"), {"direction": "down"})
    assert names(workflow)[:3] == ["Phone Screen", "Application Received", "Initial Screening"]


def test_moving_the_first_stage_up_changes_nothing(client, workflow, stages):
    before = names(workflow)

    client.post(step_url(stages[0], "move"), {"direction": "up"})
    client.post(step_url(stages[-1], "move"), {"direction": "down"})

    assert names(workflow) == before


def test_switching_off_is_refused_while_the_stage_holds_applications(client, job, stages):
    ApplicationFactory(job=job, current_stage=stages[3], status=Application.Status.REJECTED)

    response = client.post(step_url(stages[3], "toggle"), follow=True)

    assert "Move the applications out of “Technical Interview” before switching it off." in response.text
    stages[3].refresh_from_db()
    assert stages[3].is_active is True


def test_an_empty_stage_switches_off_and_on_and_leaves_the_board(client, job, stages):
    client.post(step_url(stages[3], "toggle"))

    stages[3].refresh_from_db()
    assert stages[3].is_active is False
    assert f'id="stage-{stages[3].pk}"' not in client.get(f"/jobs/{job.pk}/board/").text

    client.post(step_url(stages[3], "toggle"))
    stages[3].refresh_from_db()
    assert stages[3].is_active is True


def test_deleting_is_refused_while_the_stage_holds_applications(client, job, stages):
    ApplicationFactory(job=job, current_stage=stages[3])

    response = client.post(step_url(stages[3], "delete"), follow=True)

    assert "“Technical Interview” holds 1 application(s). Choose a stage to move them to first." in response.text
    assert WorkflowStep.objects.filter(pk=stages[3].pk).exists()


def test_deleting_with_move_to_moves_the_applications_first(client, job, stages, recruiter):
    apps = [ApplicationFactory(job=job, current_stage=stages[3]) for _ in range(2)]

    response = client.post(step_url(stages[3], "delete"), {"move_to": stages[4].pk}, follow=True)

    assert "Stage “Technical Interview” deleted." in response.text
    assert not WorkflowStep.objects.filter(pk=stages[3].pk).exists()
    for application in apps:
        application.refresh_from_db()
        assert application.current_stage == stages[4]
        entry = application.stage_history.get()
        assert (entry.to_stage, entry.moved_by) == (stages[4], recruiter)
        assert entry.note == "Stage “Technical Interview” removed"


def test_move_to_must_be_a_stage_of_the_same_workflow(client, job, stages, organization):
    other_stage = make_job(organization).stages.first()
    application = ApplicationFactory(job=job, current_stage=stages[3])

    response = client.post(step_url(stages[3], "delete"), {"move_to": other_stage.pk}, follow=True)

    assert "Choose a stage to move them to first." in response.text
    application.refresh_from_db()
    assert application.current_stage == stages[3]


def test_delete_step_refuses_to_move_to_the_stage_itself(job, stages):
    ApplicationFactory(job=job, current_stage=stages[3])

    with pytest.raises(ValidationError):
        services.delete_step(step=stages[3], move_to=stages[3])


def test_an_empty_stage_is_deleted(client, workflow, stages):
    client.post(step_url(stages[5], "delete"))

    assert "Reference Check" not in names(workflow)


def test_the_timeline_still_shows_moves_out_of_a_deleted_stage(client, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[3])

    client.post(step_url(stages[3], "delete"), {"move_to": stages[4].pk})

    html = client.get(f"/candidates/{application.candidate_id}/").text
    assert "Stage “Technical Interview” removed" in html


# --- Templates -------------------------------------------------------------------------------


def test_the_templates_list_shows_the_default(client, organization):
    response = client.get("/workflows/")

    assert response.status_code == 200
    assert "Default hiring process" in response.text
    assert "8 stages" in response.text
    assert WorkflowTemplate.objects.filter(organization=organization, job=None, is_default=True).count() == 1


def test_creating_a_template_copies_the_default_stages(client, organization):
    response = client.post("/workflows/new/", {"name": "Engineering"})

    template = WorkflowTemplate.objects.get(organization=organization, name="Engineering")
    assert response["Location"] == f"/workflows/{template.pk}/"
    assert names(template) == names(default_workflow(organization))
    assert template.is_default is False and template.job is None
    assert client.get(response["Location"]).status_code == 200


def test_a_template_needs_a_name(client, organization):
    response = client.post("/workflows/new/", {"name": ""}, follow=True)

    assert "Give the template a name." in response.text
    assert not WorkflowTemplate.objects.filter(organization=organization, is_default=False).exists()


def test_a_jobs_workflow_opened_as_a_template_redirects_to_the_jobs_editor(client, job, workflow):
    response = client.get(f"/workflows/{workflow.pk}/")

    assert response.status_code == 302
    assert response["Location"] == editor(job)


def test_a_new_job_starts_with_the_default_templates_stages(client, organization):
    default = default_workflow(organization)
    client.post(f"/workflows/{default.pk}/steps/", {"name": "Take-home task"})

    assert names(workflow_for(make_job(organization)))[-1] == "Take-home task"


@pytest.fixture
def template(organization):
    template = WorkflowTemplate.objects.create(organization=organization, name="Engineering")
    for name in ("Applied", "Tech chat", "Offer"):
        services.add_step(workflow=template, name=name)
    return template


def apply_url(job):
    return f"/jobs/{job.pk}/workflow/apply/"


def test_the_apply_page_asks_where_each_occupied_stage_goes(client, job, stages, template):
    ApplicationFactory(job=job, current_stage=stages[0])
    ApplicationFactory(job=job, current_stage=stages[3])

    response = client.get(apply_url(job), {"template": template.pk})

    assert response.status_code == 200
    assert f'name="map_{stages[0].pk}"' in response.text
    assert f'name="map_{stages[3].pk}"' in response.text
    assert f'name="map_{stages[1].pk}"' not in response.text


def test_applying_a_template_moves_applications_to_the_mapped_stages(
    client, job, workflow, stages, template, recruiter
):
    first = [ApplicationFactory(job=job, current_stage=stages[0]) for _ in range(2)]
    technical = ApplicationFactory(job=job, current_stage=stages[3], status=Application.Status.ON_HOLD)

    response = client.post(
        apply_url(job), {"template": template.pk, f"map_{stages[0].pk}": 0, f"map_{stages[3].pk}": 1}, follow=True
    )

    assert "Backend Engineer now uses the stages of “Engineering”." in response.text
    assert names(workflow, active_only=True) == ["Applied", "Tech chat", "Offer"]
    assert not workflow.steps.filter(pk__in=[s.pk for s in stages], is_active=True).exists()
    new = {step.name: step for step in workflow.steps.filter(is_active=True)}
    for application in first:
        application.refresh_from_db()
        assert application.current_stage == new["Applied"]
    technical.refresh_from_db()
    assert (technical.current_stage, technical.status) == (new["Tech chat"], Application.Status.ON_HOLD)
    entry = technical.stage_history.get()
    assert (entry.from_stage, entry.to_stage, entry.moved_by, entry.note) == (
        stages[3],
        new["Tech chat"],
        recruiter,
        "Workflow changed",
    )
    assert WorkflowTemplate.objects.get(pk=template.pk).steps.count() == 3  # the template is untouched


def test_applying_without_a_mapping_for_an_occupied_stage_changes_nothing(client, job, workflow, stages, template):
    application = ApplicationFactory(job=job, current_stage=stages[3])

    response = client.post(apply_url(job), {"template": template.pk}, follow=True)

    assert "Choose where the applications in “Technical Interview” go." in response.text
    assert workflow.steps.count() == 8
    application.refresh_from_db()
    assert application.current_stage == stages[3]


def test_applying_to_a_job_without_applications_needs_no_mapping(client, job, workflow, template):
    client.post(apply_url(job), {"template": template.pk})

    assert names(workflow, active_only=True) == ["Applied", "Tech chat", "Offer"]


def test_a_malformed_template_id_is_404(client, job):
    assert client.get(apply_url(job), {"template": "abc"}).status_code == 404


# --- Who may ----------------------------------------------------------------------------------


@pytest.fixture
def foreign(other_organization):
    """Another organisation's job workflow, its first step, and a template."""
    foreign_job = make_job(other_organization)
    return {
        "job": foreign_job,
        "workflow": workflow_for(foreign_job),
        "step": foreign_job.stages.first(),
        "template": default_workflow(other_organization),
    }


def test_another_organisations_workflows_and_steps_are_404(client, job, foreign):
    step = foreign["step"]
    requests = [
        ("get", f"/workflows/{foreign['template'].pk}/", {}),
        ("get", f"/jobs/{foreign['job'].pk}/workflow/", {}),
        ("post", f"/workflows/{foreign['template'].pk}/steps/", {"name": "Sneaky"}),
        ("post", step_url(step, "rename"), {"name": "Sneaky"}),
        ("post", step_url(step, "move"), {"direction": "down"}),
        ("post", step_url(step, "toggle"), {}),
        ("post", step_url(step, "delete"), {}),
        ("get", apply_url(job), {"template": foreign["template"].pk}),
        ("post", apply_url(foreign["job"]), {"template": foreign["template"].pk}),
    ]

    for method, path, data in requests:
        assert getattr(client, method)(path, data).status_code == 404, path

    step.refresh_from_db()
    assert (step.name, step.order, step.is_active) == ("Application Received", 0, True)
    assert names(foreign["template"]) == names(foreign["workflow"])


@pytest.mark.parametrize("role", [Membership.Role.INTERVIEWER, Membership.Role.HIRING_MANAGER])
def test_only_recruiters_and_admins_edit_workflows(client_for, organization, job, workflow, stages, role):
    client = client_for(MembershipFactory(organization=organization, role=role).user)

    assert client.get("/workflows/").status_code == 403
    assert client.get(editor(job)).status_code == 403
    assert client.post(f"/workflows/{workflow.pk}/steps/", {"name": "Sneaky"}).status_code == 403
    assert client.post(step_url(stages[0], "rename"), {"name": "Sneaky"}).status_code == 403
    assert client.post(step_url(stages[0], "delete")).status_code == 403
    assert names(workflow)[0] == "Application Received"


def test_an_admin_may_edit_workflows(client_for, owner, job, workflow):
    client_for(owner).post(f"/workflows/{workflow.pk}/steps/", {"name": "Owner's stage"})

    assert names(workflow)[-1] == "Owner's stage"


@pytest.mark.parametrize("action", ["rename", "move", "toggle", "delete"])
def test_step_actions_refuse_get(client, stages, action):
    assert client.get(step_url(stages[0], action)).status_code == 405


def test_adding_a_step_and_creating_a_template_refuse_get(client, workflow):
    assert client.get(f"/workflows/{workflow.pk}/steps/").status_code == 405
    assert client.get("/workflows/new/").status_code == 405
