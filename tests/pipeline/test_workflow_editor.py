"""Editing stages: a job's own stages (/jobs/<id>/workflow/), the organisation's reusable stage templates
(/workflows/), and switching a job to a template's stages (/jobs/<id>/workflow/apply/)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember, Stage, StageTemplate
from jobs.stages import add_stage
from pipeline.applications.models import Application
from pipeline.applications.stages import delete_stage
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def default(organization):
    return StageTemplate.objects.get(organization=organization, is_default=True)


@pytest.fixture
def client(client_for, recruiter):
    return client_for(recruiter)


def editor(job):
    return f"/jobs/{job.pk}/workflow/"


def add_to_job(job):
    return f"/jobs/{job.pk}/workflow/steps/"


def names(owner, active_only=False):
    """The stage names of a job or a stage template, in order."""
    stages = owner.stages.filter(is_active=True) if active_only else owner.stages.all()
    return list(stages.values_list("name", flat=True))


def step_url(stage, action):
    return f"/workflows/steps/{stage.pk}/{action}/"


# --- A job's stages --------------------------------------------------------------------


def test_the_editor_lists_the_jobs_stages_with_their_counts(client, job, stages):
    ApplicationFactory(job=job, current_stage=stages[1])
    ApplicationFactory(job=job, current_stage=stages[1], status=Application.Status.REJECTED)

    response = client.get(editor(job))

    assert response.status_code == 200
    assert response.text.count('action="/workflows/steps/') >= len(stages)
    assert "1 active · 2 in all" in response.text
    assert "Stages of Backend Engineer" in response.text
    assert f'action="{add_to_job(job)}"' in response.text


def test_a_new_job_has_its_stages_from_creation(organization, default):
    job = make_job(organization)

    assert names(job) == names(default)
    assert job.stages.count() == 8


def test_adding_a_stage_puts_it_last(client, job):
    response = client.post(add_to_job(job), {"name": "  Take-home task "})

    assert response.status_code == 302
    assert response["Location"] == editor(job)
    assert names(job)[-1] == "Take-home task"
    board = client.get(f"/jobs/{job.pk}/board/")
    assert board.status_code == 200
    assert "Take-home task" in board.text


def test_a_stage_added_to_a_job_leaves_the_template_alone(client, job, default):
    client.post(add_to_job(job), {"name": "Take-home task"})

    assert default.stages.count() == 8
    assert "Take-home task" not in names(default)


def test_a_stage_needs_a_name(client, job):
    response = client.post(add_to_job(job), {"name": " "}, follow=True)

    assert response.status_code == 200
    assert "Give the stage a name." in response.text
    assert job.stages.count() == 8


def test_renaming_a_stage(client, stages):
    response = client.post(step_url(stages[2], "rename"), {"name": "Recruiter call", "description": "15 minutes"})

    assert response.status_code == 302
    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].description) == ("Recruiter call", "15 minutes")


def test_the_editors_rename_form_keeps_the_description(client, stages):
    # The editor's form posts only the name and the days: the description must survive it.
    client.post(step_url(stages[2], "rename"), {"name": "Recruiter call", "stale_after_days": "7"})

    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].description) == (
        "Recruiter call",
        "A short call to check fit and expectations.",
    )


def test_renaming_saves_stale_after_days(client, job, stages):
    client.post(step_url(stages[2], "rename"), {"name": "Phone Screen", "stale_after_days": "14"})

    stages[2].refresh_from_db()
    assert stages[2].stale_after_days == 14
    response = client.get(editor(job))
    assert response.status_code == 200
    assert re.search(rf'id="stale-{stages[2].pk}" name="stale_after_days"[^>]* value="14"', response.text)
    assert "warms after 14 days" in response.text


@pytest.mark.parametrize("bad", ["", "abc", "0", "-3", "2.5", "366", "99999999999999999999"])
def test_a_bad_stale_after_days_keeps_the_old_value(client, stages, bad):
    Stage.objects.filter(pk=stages[2].pk).update(stale_after_days=10)

    client.post(step_url(stages[2], "rename"), {"name": "Recruiter call", "stale_after_days": bad})

    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].stale_after_days) == ("Recruiter call", 10)


def test_control_characters_are_dropped_from_names(client, job, stages, organization):
    # A name is one line: tabs and line breaks pasted into it mean nothing.
    rename = client.post(step_url(stages[2], "rename"), {"name": "Recruiter\t call", "description": "Short\n"})
    add = client.post(add_to_job(job), {"name": "Take\r\n-home"})
    create = client.post("/workflows/new/", {"name": "Eng\x07ineering"})

    assert (rename.status_code, add.status_code, create.status_code) == (302, 302, 302)
    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].description) == ("Recruiter call", "Short")
    assert names(job)[-1] == "Take-home"
    assert StageTemplate.objects.filter(organization=organization, name="Engineering").exists()


def test_a_null_character_in_a_name_is_refused_before_the_view(client, job, stages):
    # PostgreSQL refuses a NUL in text: ats.input answers 400 for any request carrying one.
    response = client.post(step_url(stages[2], "rename"), {"name": "Recruiter\x00 call"})

    assert response.status_code == 400
    stages[2].refresh_from_db()
    assert stages[2].name == "Phone Screen"


def test_renaming_to_nothing_is_refused(client, stages):
    response = client.post(step_url(stages[2], "rename"), {"name": "", "stale_after_days": "3"}, follow=True)

    assert response.status_code == 200
    assert "A stage needs a name." in response.text
    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].stale_after_days) == ("Phone Screen", 7)


def test_reordering_up_and_down(client, job, stages):
    client.post(step_url(stages[2], "move"), {"direction": "up"})
    assert names(job)[:3] == ["Application Received", "Phone Screen", "Initial Screening"]

    client.post(step_url(stages[0], "move"), {"direction": "down"})
    assert names(job)[:3] == ["Phone Screen", "Application Received", "Initial Screening"]


def test_moving_the_first_stage_up_changes_nothing(client, job, stages):
    before = names(job)

    client.post(step_url(stages[0], "move"), {"direction": "up"})
    client.post(step_url(stages[-1], "move"), {"direction": "down"})

    assert names(job) == before


def test_a_stage_action_returns_to_the_jobs_editor(client, job, stages):
    for action, data in [("rename", {"name": "Screen"}), ("move", {"direction": "down"}), ("toggle", {})]:
        response = client.post(step_url(stages[1], action), data)

        assert response.status_code == 302, action
        assert response["Location"] == editor(job), action


def test_switching_off_is_refused_while_the_stage_holds_applications(client, job, stages):
    ApplicationFactory(job=job, current_stage=stages[3], status=Application.Status.REJECTED)

    response = client.post(step_url(stages[3], "toggle"), follow=True)

    assert response.status_code == 200
    assert "Move the applications out of “Technical Interview” before switching it off." in response.text
    stages[3].refresh_from_db()
    assert stages[3].is_active is True


def test_an_empty_stage_switches_off_and_on_and_leaves_the_board(client, job, stages):
    client.post(step_url(stages[3], "toggle"))

    stages[3].refresh_from_db()
    assert stages[3].is_active is False
    board = client.get(f"/jobs/{job.pk}/board/")
    assert board.status_code == 200
    assert f'id="stage-{stages[4].pk}"' in board.text
    assert f'id="stage-{stages[3].pk}"' not in board.text

    client.post(step_url(stages[3], "toggle"))
    stages[3].refresh_from_db()
    assert stages[3].is_active is True


def test_the_last_stage_that_is_on_stays_on(client, job, stages):
    Stage.objects.filter(job=job).exclude(pk=stages[0].pk).update(is_active=False)

    response = client.post(step_url(stages[0], "toggle"), follow=True)

    assert "A pipeline needs at least one stage that is on." in response.text
    stages[0].refresh_from_db()
    assert stages[0].is_active is True


def test_deleting_is_refused_while_the_stage_holds_applications(client, job, stages):
    ApplicationFactory(job=job, current_stage=stages[3])

    response = client.post(step_url(stages[3], "delete"), follow=True)

    assert response.status_code == 200
    assert "“Technical Interview” holds 1 application(s). Choose a stage to move them to first." in response.text
    assert Stage.objects.filter(pk=stages[3].pk).exists()


def test_deleting_with_move_to_moves_the_applications_first(client, job, stages, recruiter):
    apps = [ApplicationFactory(job=job, current_stage=stages[3]) for _ in range(2)]

    response = client.post(step_url(stages[3], "delete"), {"move_to": stages[4].pk}, follow=True)

    assert response.status_code == 200
    assert "Stage “Technical Interview” deleted." in response.text
    assert not Stage.objects.filter(pk=stages[3].pk).exists()
    for application in apps:
        application.refresh_from_db()
        assert application.current_stage == stages[4]
        entry = application.stage_history.get()
        assert (entry.to_stage, entry.moved_by) == (stages[4], recruiter)
        assert entry.note == "Stage “Technical Interview” removed"


def test_move_to_must_be_a_stage_of_the_same_job(client, job, stages, organization):
    other_stage = make_job(organization).stages.first()
    application = ApplicationFactory(job=job, current_stage=stages[3])

    response = client.post(step_url(stages[3], "delete"), {"move_to": other_stage.pk}, follow=True)

    assert response.status_code == 200
    assert "Choose a stage to move them to first." in response.text
    application.refresh_from_db()
    assert application.current_stage == stages[3]


def test_delete_stage_refuses_to_move_to_the_stage_itself(job, stages):
    ApplicationFactory(job=job, current_stage=stages[3])

    with pytest.raises(ValidationError):
        delete_stage(stage=stages[3], move_to=stages[3])

    assert Stage.objects.filter(pk=stages[3].pk).exists()


def test_delete_stage_refuses_to_move_to_another_jobs_stage(job, stages, organization):
    other_stage = make_job(organization).stages.first()
    ApplicationFactory(job=job, current_stage=stages[3])

    with pytest.raises(ValidationError):
        delete_stage(stage=stages[3], move_to=other_stage)

    assert Stage.objects.filter(pk=stages[3].pk).exists()


def test_an_empty_stage_is_deleted(client, job, stages):
    response = client.post(step_url(stages[5], "delete"))

    assert response.status_code == 302
    assert "Reference Check" not in names(job)
    assert job.stages.count() == 7


def test_the_timeline_still_shows_moves_out_of_a_deleted_stage(client, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[3])

    client.post(step_url(stages[3], "delete"), {"move_to": stages[4].pk})

    response = client.get(f"/candidates/{application.candidate_id}/")
    assert response.status_code == 200
    assert "Stage “Technical Interview” removed" in response.text


# --- The board's days-in-stage badge ------------------------------------------------------


def badges(html):
    """{application id: its age class} for every card on the board."""
    return {int(pk): age for pk, age in re.findall(r'id="application-(\d+)".*?<span class="age age-(\w+)"', html, re.S)}


def test_the_boards_badge_follows_the_stages_stale_after_days(client, job, stages):
    # Phone Screen warms after 2 days (hot at 6); Technical Interview keeps the default 7 (hot at 21).
    client.post(step_url(stages[2], "rename"), {"name": "Phone Screen", "stale_after_days": "2"})
    now = timezone.now()

    def card(stage, days):
        return ApplicationFactory(job=job, current_stage=stage, stage_entered_at=now - timedelta(days=days, hours=1))

    fresh, warm, still_warm, hot = (card(stages[2], days) for days in (1, 2, 5, 6))
    fresh_elsewhere, warm_elsewhere, hot_elsewhere = (card(stages[3], days) for days in (6, 7, 21))

    response = client.get(f"/jobs/{job.pk}/board/")

    assert response.status_code == 200
    assert badges(response.text) == {
        fresh.pk: "fresh",
        warm.pk: "warm",
        still_warm.pk: "warm",
        hot.pk: "hot",
        fresh_elsewhere.pk: "fresh",
        warm_elsewhere.pk: "warm",
        hot_elsewhere.pk: "hot",
    }
    assert "warms after 2)" in response.text


# --- Templates -------------------------------------------------------------------------------


def test_the_templates_list_shows_the_default(client, organization):
    response = client.get("/workflows/")

    assert response.status_code == 200
    assert "Default hiring process" in response.text
    assert "8 stages" in response.text
    assert StageTemplate.objects.filter(organization=organization, is_default=True).count() == 1


def test_creating_a_template_copies_the_default_stages(client, organization, default):
    response = client.post("/workflows/new/", {"name": "Engineering"})

    template = StageTemplate.objects.get(organization=organization, name="Engineering")
    assert response.status_code == 302
    assert response["Location"] == f"/workflows/{template.pk}/"
    assert names(template) == names(default)
    assert template.is_default is False
    assert not template.stages.filter(job__isnull=False).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Engineering" in page.text


def test_a_template_needs_a_name(client, organization):
    response = client.post("/workflows/new/", {"name": ""}, follow=True)

    assert response.status_code == 200
    assert "Give the template a name." in response.text
    assert not StageTemplate.objects.filter(organization=organization, is_default=False).exists()


def test_adding_a_stage_to_a_template(client, default):
    response = client.post(f"/workflows/{default.pk}/steps/", {"name": " Take-home task "})

    assert response.status_code == 302
    assert response["Location"] == f"/workflows/{default.pk}/"
    assert names(default)[-1] == "Take-home task"


def test_a_template_stage_action_returns_to_the_template(client, default):
    stage = default.stages.all()[1]

    for action, data in [("rename", {"name": "Screen"}), ("move", {"direction": "down"}), ("toggle", {})]:
        response = client.post(step_url(stage, action), data)

        assert response.status_code == 302, action
        assert response["Location"] == f"/workflows/{default.pk}/", action
    response = client.post(step_url(stage, "delete"))
    assert response["Location"] == f"/workflows/{default.pk}/"
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_a_new_job_starts_with_the_default_templates_stages(client, organization, default):
    client.post(f"/workflows/{default.pk}/steps/", {"name": "Take-home task"})
    stage = default.stages.get(name="Phone Screen")
    client.post(step_url(stage, "rename"), {"name": "Recruiter call", "stale_after_days": "3"})

    job = make_job(organization)

    assert names(job)[-1] == "Take-home task"
    assert job.stages.get(name="Recruiter call").stale_after_days == 3


def test_a_jobs_stages_are_a_copy_taken_at_creation(client, job, default):
    # A new job copies the default template when it is created; editing the template later leaves it alone.
    client.post(f"/workflows/{default.pk}/steps/", {"name": "Take-home task"})
    client.post(step_url(default.stages.first(), "rename"), {"name": "Applied"})

    assert names(default)[0] == "Applied"
    assert names(job) == [
        "Application Received",
        "Initial Screening",
        "Phone Screen",
        "Technical Interview",
        "Final Interview",
        "Reference Check",
        "Offer Made",
        "Hired",
    ]
    assert not job.stages.filter(template__isnull=False).exists()


@pytest.fixture
def template(organization):
    template = StageTemplate.objects.create(organization=organization, name="Engineering")
    for name in ("Applied", "Tech chat", "Offer"):
        add_stage(name=name, template=template)
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


def test_applying_a_template_moves_applications_to_the_mapped_stages(client, job, stages, template, recruiter):
    first = [ApplicationFactory(job=job, current_stage=stages[0]) for _ in range(2)]
    technical = ApplicationFactory(job=job, current_stage=stages[3], status=Application.Status.ON_HOLD)

    response = client.post(
        apply_url(job), {"template": template.pk, f"map_{stages[0].pk}": 0, f"map_{stages[3].pk}": 1}, follow=True
    )

    assert response.status_code == 200
    assert "Backend Engineer now uses the stages of “Engineering”." in response.text
    assert names(job, active_only=True) == ["Applied", "Tech chat", "Offer"]
    assert not job.stages.filter(pk__in=[s.pk for s in stages], is_active=True).exists()
    new = {stage.name: stage for stage in job.stages.filter(is_active=True)}
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
    assert names(template) == ["Applied", "Tech chat", "Offer"]  # the template is untouched
    assert all(stage.job_id is None for stage in template.stages.all())


def test_applying_without_a_mapping_for_an_occupied_stage_changes_nothing(client, job, stages, template):
    application = ApplicationFactory(job=job, current_stage=stages[3])

    response = client.post(apply_url(job), {"template": template.pk}, follow=True)

    assert response.status_code == 200
    assert "Choose where the applications in “Technical Interview” go." in response.text
    assert job.stages.count() == 8
    application.refresh_from_db()
    assert application.current_stage == stages[3]


def test_applying_to_a_job_without_applications_needs_no_mapping(client, job, template):
    response = client.post(apply_url(job), {"template": template.pk})

    assert response.status_code == 302
    assert response["Location"] == editor(job)
    assert names(job, active_only=True) == ["Applied", "Tech chat", "Offer"]


def test_a_template_without_a_stage_that_is_on_is_refused(client, job, organization):
    # Possible through Django admin; applying it would switch every stage of the job off.
    empty = StageTemplate.objects.create(organization=organization, name="Empty")

    response = client.post(apply_url(job), {"template": empty.pk}, follow=True)

    assert response.status_code == 200
    assert "“Empty” has no stage that is on." in response.text
    assert job.stages.filter(is_active=True).count() == 8


def test_a_malformed_template_id_is_404(client, job):
    assert client.get(apply_url(job), {"template": "abc"}).status_code == 404
    assert client.get(apply_url(job)).status_code == 404


# --- Who may ----------------------------------------------------------------------------------


@pytest.fixture
def foreign(other_organization):
    """Another organisation's job, its first stage, its default template and that template's first stage."""
    foreign_job = make_job(other_organization)
    template = StageTemplate.objects.get(organization=other_organization, is_default=True)
    return {
        "job": foreign_job,
        "stage": foreign_job.stages.first(),
        "template": template,
        "template_stage": template.stages.first(),
    }


def test_another_organisations_stages_and_templates_are_404(client, job, template, foreign):
    requests = [
        ("get", f"/workflows/{foreign['template'].pk}/", {}),
        ("post", f"/workflows/{foreign['template'].pk}/steps/", {"name": "Sneaky"}),
        ("get", editor(foreign["job"]), {}),
        ("post", add_to_job(foreign["job"]), {"name": "Sneaky"}),
        ("get", apply_url(job), {"template": foreign["template"].pk}),
        ("post", apply_url(job), {"template": foreign["template"].pk}),
        ("get", apply_url(foreign["job"]), {"template": template.pk}),
        ("post", apply_url(foreign["job"]), {"template": foreign["template"].pk}),
    ]
    for stage in (foreign["stage"], foreign["template_stage"]):
        requests += [
            ("post", step_url(stage, "rename"), {"name": "Sneaky", "stale_after_days": "1"}),
            ("post", step_url(stage, "move"), {"direction": "down"}),
            ("post", step_url(stage, "toggle"), {}),
            ("post", step_url(stage, "delete"), {}),
        ]

    for method, path, data in requests:
        assert getattr(client, method)(path, data).status_code == 404, (method, path)

    for stage in (foreign["stage"], foreign["template_stage"]):
        stage.refresh_from_db()
        assert (stage.name, stage.order, stage.is_active, stage.stale_after_days) == (
            "Application Received",
            0,
            True,
            7,
        )
    assert names(foreign["job"]) == names(foreign["template"])
    assert foreign["job"].stages.count() == 8
    assert names(job) == names(StageTemplate.objects.get(organization=job.organization, is_default=True))


def test_an_unknown_stage_is_404(client):
    assert client.post("/workflows/steps/999999/rename/", {"name": "Ghost"}).status_code == 404
    assert client.get("/workflows/999999/").status_code == 404


@pytest.mark.parametrize("role", [Membership.Role.INTERVIEWER, Membership.Role.HIRING_MANAGER])
def test_only_recruiters_and_admins_edit_stages(client_for, organization, job, stages, default, role):
    # On the job's team, so they see the job: what refuses them is the role, not the job's visibility.
    user = MembershipFactory(organization=organization, role=role).user
    HiringTeamMember.objects.create(job=job, user=user, role=role)
    client = client_for(user)

    assert client.get("/workflows/").status_code == 403
    assert client.get(editor(job)).status_code == 403
    assert client.post(add_to_job(job), {"name": "Sneaky"}).status_code == 403
    assert client.post(f"/workflows/{default.pk}/steps/", {"name": "Sneaky"}).status_code == 403
    assert client.post(step_url(stages[0], "rename"), {"name": "Sneaky"}).status_code == 403
    assert client.post(step_url(stages[0], "delete")).status_code == 403
    assert client.get(apply_url(job), {"template": default.pk}).status_code == 403
    assert names(job)[0] == "Application Received"
    assert job.stages.count() == 8 and default.stages.count() == 8


def test_an_admin_may_edit_stages(client_for, owner, job):
    response = client_for(owner).post(add_to_job(job), {"name": "Owner's stage"})

    assert response.status_code == 302
    assert names(job)[-1] == "Owner's stage"


@pytest.mark.parametrize("action", ["rename", "move", "toggle", "delete"])
def test_stage_actions_refuse_get(client, stages, action):
    assert client.get(step_url(stages[0], action)).status_code == 405


def test_adding_a_stage_and_creating_a_template_refuse_get(client, job, default):
    assert client.get(add_to_job(job)).status_code == 405
    assert client.get(f"/workflows/{default.pk}/steps/").status_code == 405
    assert client.get("/workflows/new/").status_code == 405
