"""/api/v1/v2/applications/ (list, enter, edit, advance, move-stage) and the read-only /api/v1/applications/."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import FormField, HiringTeamMember
from pipeline.applications.models import Application, ApplicationFormAnswer, ApplicationStageHistory
from pipeline.automation.models import ActionRun
from pipeline.candidates.models import Candidate
from pipeline.interviews.models import Interview, PanelMember
from tests.factories import ApplicationFactory, CandidateFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

LIST = "/api/v1/v2/applications/"
READ_ONLY = "/api/v1/applications/"


def detail(application):
    return f"{LIST}{application.pk}/"


def advance_url(application):
    return f"{LIST}{application.pk}/advance/"


def move_url(application):
    return f"{LIST}{application.pk}/move-stage/"


def member(user):
    return Membership.objects.get(user=user)


def ids(response):
    return [row["application_id"] for row in response.json()["results"]]


@pytest.fixture
def years(job):
    """A required custom question on the job's form."""
    return FormField.objects.create(
        form=job.application_form, key="years", label="Years of Python", field_type="number", required=True, order=50
    )


def on_panel(application, user):
    """`user` sits on a scheduled interview's panel for `application`."""
    interview = Interview.objects.create(
        organization=application.job.organization,
        application=application,
        title="Chat",
        starts_at=datetime(2026, 6, 10, tzinfo=UTC),
    )
    PanelMember.objects.create(interview=interview, user=user)


# --- Credentials, organisations, roles -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method"),
    [
        (LIST, "get"),
        (LIST, "post"),
        ("detail", "get"),
        ("detail", "patch"),
        ("advance", "post"),
        ("move", "post"),
        (READ_ONLY, "get"),
    ],
)
def test_without_credentials_it_is_a_401(application, path, method):
    url = {"detail": detail(application), "advance": advance_url(application), "move": move_url(application)}
    response = getattr(APIClient(), method)(url.get(path, path), {}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "detail", None),
        ("patch", "detail", {"rating": 5}),
        ("post", "advance", None),
        ("post", "move", {"stage_id": "Initial Screening"}),
        ("get", "read", None),
    ],
)
def test_another_organisations_application_is_a_404(
    api_for, other_organization, application, stages, method, path, body
):
    theirs = Membership.objects.get(organization=other_organization).user
    url = {
        "detail": detail(application),
        "advance": advance_url(application),
        "move": move_url(application),
        "read": f"{READ_ONLY}{application.pk}/",
    }[path]

    response = getattr(api_for(theirs), method)(url, body, format="json")

    assert response.status_code == 404
    assert "detail" in response.json()
    application.refresh_from_db()
    assert (application.rating, application.current_stage) == (None, stages[0])


def test_the_list_is_paginated_newest_first(api_for, recruiter, job, stages):
    older = ApplicationFactory(job=job, current_stage=stages[0], applied_at=datetime(2026, 1, 1, tzinfo=UTC))
    newer = ApplicationFactory(job=job, current_stage=stages[1], applied_at=datetime(2026, 2, 1, tzinfo=UTC))

    response = api_for(recruiter).get(LIST, {"page_size": 1})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["previous"]) == (2, None)
    assert body["next"].endswith("page=2&page_size=1")
    assert ids(response) == [newer.pk]
    second = api_for(recruiter).get(LIST, {"page_size": 1, "page": 2})
    assert ids(second) == [older.pk]


def test_an_application_answers_the_documented_fields(api_for, recruiter, application, stages, years):
    ApplicationFormAnswer.objects.create(application=application, field=years, key="years", label="Years", value=7)
    Application.objects.filter(pk=application.pk).update(rating=4, notes="Met at a meetup")
    ApplicationStageHistory.objects.create(application=application, to_stage=stages[0], note="Applied")

    response = api_for(recruiter).get(detail(application))

    assert response.status_code == 200
    body = response.json()
    assert "id" not in body
    assert body["application_id"] == application.pk
    assert (body["job"], body["job_title"]) == (application.job_id, "Backend Engineer")
    assert body["candidate"]["candidate_id"] == application.candidate_id
    assert body["candidate"]["email"] == "ada@example.com"
    assert (body["current_stage"], body["current_stage_name"], body["stage_order"]) == (
        stages[0].pk,
        "Application Received",
        stages[0].order,
    )
    assert (body["status"], body["rating"], body["notes"]) == ("active", 4, "Met at a meetup")
    assert body["form_answers"] == {"years": 7}
    assert body["individual_answers"] == [
        {"key": "years", "label": "Years", "field_id": years.pk, "value": 7, "file_name": "", "file_path": None}
    ]
    [entry] = body["stage_history"]
    assert (entry["to_stage"], entry["to_stage_name"], entry["note"]) == (
        stages[0].pk,
        "Application Received",
        "Applied",
    )


def test_a_hiring_manager_sees_only_their_jobs_applications(api_for, hiring_manager, organization, job, stages):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    mine = ApplicationFactory(job=job, current_stage=stages[0])
    other_job = make_job(organization, title="Secret")
    hidden = ApplicationFactory(job=other_job, current_stage=other_job.stages.first())
    client = api_for(hiring_manager)

    assert ids(client.get(LIST)) == [mine.pk]
    assert ids(client.get(READ_ONLY)) == [mine.pk]
    assert client.get(detail(hidden)).status_code == 404


def test_an_interviewer_gets_a_404_for_applications_without_their_panel_seat(api_for, interviewer, application):
    client = api_for(interviewer)

    assert ids(client.get(LIST)) == []
    response = client.get(detail(application))
    assert response.status_code == 404
    assert client.post(advance_url(application)).status_code == 404


def test_an_interviewer_on_a_panel_sees_it_but_may_not_move_it(api_for, interviewer, application, stages):
    on_panel(application, interviewer)
    client = api_for(interviewer)

    assert ids(client.get(LIST)) == [application.pk]
    advanced = client.post(advance_url(application))
    moved = client.post(move_url(application), {"stage_id": stages[3].pk}, format="json")
    patched = client.patch(detail(application), {"rating": 1}, format="json")

    for response in (advanced, moved, patched):
        assert response.status_code == 403
        assert "interviewer" in response.json()["detail"]
    application.refresh_from_db()
    assert (application.current_stage, application.rating) == (stages[0], None)


def test_a_hiring_manager_seeing_another_job_through_a_panel_may_not_move_it(
    api_for, hiring_manager, application, stages
):
    on_panel(application, hiring_manager)

    response = api_for(hiring_manager).post(advance_url(application))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.current_stage == stages[0]


def test_a_read_only_key_reads_but_cannot_write(api_key_for, owner, application, job, stages):
    client = api_key_for(member(owner), read_only=True)

    read = client.get(detail(application))
    patched = client.patch(detail(application), {"rating": 5}, format="json")
    advanced = client.post(advance_url(application))
    created = client.post(LIST, {"job": job.pk, "candidate_data": {"first_name": "X", "email": "x@example.com"}})

    assert read.status_code == 200 and read.json()["application_id"] == application.pk
    for response in (patched, advanced, created):
        assert response.status_code == 403
        assert response.json() == {"detail": "This API key is read-only."}
    application.refresh_from_db()
    assert (application.rating, application.current_stage) == (None, stages[0])
    assert not Candidate.objects.filter(email="x@example.com").exists()


def test_a_hiring_manager_may_not_enter_an_application(api_for, hiring_manager, job):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    body = {"job": job.pk, "candidate_data": {"first_name": "X", "last_name": "Y", "email": "x@example.com"}}

    response = api_for(hiring_manager).post(LIST, body, format="json")

    assert response.status_code == 403
    assert not Application.objects.exists()


def test_the_read_only_list_takes_no_writes(api_for, owner, application):
    response = api_for(owner).post(READ_ONLY, {"job": application.job_id}, format="json")

    assert response.status_code == 405
    assert Application.objects.count() == 1


@pytest.mark.parametrize("application_id", ["-1", "abc", "0.5", str(10**30)])
@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("patch", ""), ("post", "advance/")])
def test_odd_ids_are_a_json_404(api_for, recruiter, application_id, method, suffix):
    response = getattr(api_for(recruiter), method)(f"{LIST}{application_id}/{suffix}", {}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


# --- Entering an application -----------------------------------------------------------


def test_candidate_data_creates_the_candidate_with_the_application(
    api_for, recruiter, organization, job, stages, years
):
    body = {
        "job": job.pk,
        "candidate_data": {"first_name": "Grace", "last_name": "Hopper", "email": "Grace@Navy.mil", "city": "NYC"},
        "form_answers": {"years": 12},
        "notes": "Referred by Ada",
        "source": "referral",
        "tags": ["COBOL", "Navy"],
    }

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    grace = Candidate.objects.get(organization=organization, email="grace@navy.mil")
    assert (grace.first_name, grace.last_name, grace.city, grace.source) == ("Grace", "Hopper", "NYC", "referral")
    application = Application.objects.get(candidate=grace)
    assert (application.job, application.current_stage, application.notes) == (job, stages[0], "Referred by Ada")
    assert sorted(application.tags.values_list("name", flat=True)) == ["COBOL", "Navy"]
    answer = application.answers.get()
    assert (answer.key, answer.field, answer.value) == ("years", years, 12.0)
    [entry] = application.stage_history.all()
    assert (entry.to_stage, entry.moved_by, entry.note) == (stages[0], recruiter, "Added through the API")
    out = response.json()
    assert out["application_id"] == application.pk
    assert out["candidate"]["candidate_id"] == grace.pk
    assert out["form_answers"] == {"years": 12.0}
    assert out["tags"] == ["COBOL", "Navy"]


def test_candidate_id_reuses_the_candidate(api_for, recruiter, organization, job, stages):
    known = CandidateFactory(organization=organization, first_name="Ada", last_name="")

    response = api_for(recruiter).post(LIST, {"job": job.pk, "candidate_id": known.pk}, format="json")

    assert response.status_code == 201, response.json()
    application = Application.objects.get(job=job)
    assert application.candidate == known  # not asked their name again, though the form requires it
    assert Candidate.objects.count() == 1
    assert response.json()["candidate"]["candidate_id"] == known.pk


def test_candidate_data_with_a_known_email_reuses_that_person_and_fills_only_empty_fields(
    api_for, recruiter, organization, job
):
    known = CandidateFactory(organization=organization, first_name="Ada", last_name="Lovelace", email="ada@x.org")
    body = {"job": job.pk, "candidate_data": {"first_name": "Augusta", "last_name": "King", "email": "ADA@x.org"}}
    body["candidate_data"]["city"] = "London"

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    known.refresh_from_db()
    assert (known.first_name, known.last_name, known.city) == ("Ada", "Lovelace", "London")
    assert Application.objects.get(job=job).candidate == known
    assert Candidate.objects.count() == 1


@pytest.mark.parametrize("keys", ["both", "neither"])
def test_exactly_one_of_candidate_id_and_candidate_data(api_for, recruiter, organization, job, keys):
    known = CandidateFactory(organization=organization)
    body = {"job": job.pk}
    if keys == "both":
        body.update(candidate_id=known.pk, candidate_data={"first_name": "X", "last_name": "Y", "email": "x@y.org"})

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "candidate_id": ["Give either candidate_id (someone known) or candidate_data (to find or add)."]
    }
    assert not Application.objects.exists()
    assert Candidate.objects.count() == 1


def test_the_same_person_twice_for_one_job_is_a_400(api_for, recruiter, application, job):
    response = api_for(recruiter).post(LIST, {"job": job.pk, "candidate_id": application.candidate_id}, format="json")

    assert response.status_code == 400
    assert response.json() == {"job": ["This candidate has already applied to this job."]}
    assert Application.objects.count() == 1


def test_a_second_try_with_candidate_data_is_a_400_too(api_for, recruiter, job, stages):
    body = {"job": job.pk, "candidate_data": {"first_name": "Grace", "last_name": "Hopper", "email": "g@navy.mil"}}
    client = api_for(recruiter)

    first = client.post(LIST, body, format="json")
    second = client.post(LIST, body, format="json")

    assert (first.status_code, second.status_code) == (201, 400)
    assert second.json() == {"job": ["This candidate has already applied to this job."]}
    assert Application.objects.count() == 1


def test_required_questions_left_out_are_a_400_naming_them(api_for, recruiter, job, years):
    body = {"job": job.pk, "candidate_data": {"first_name": "Grace", "email": "g@navy.mil"}}

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    # The apply form's own checks: last name (a standard question it requires) and the custom one.
    assert response.json() == {"last_name": ["This field is required."], "years": ["This field is required."]}
    assert not Candidate.objects.exists()


def test_answers_are_checked_like_the_apply_forms(api_for, recruiter, job, years):
    body = {
        "job": job.pk,
        "candidate_data": {"first_name": "Grace", "last_name": "Hopper", "email": "g@navy.mil"},
        "form_answers": {"years": "a dozen"},
    }

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"years": ["Enter a number."]}
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job": None}, "job"),
        ({"job": "abc", "candidate_id": 1}, "job"),
        ({"job": 10**30, "candidate_id": 1}, "job"),
        ({"job": -1, "candidate_id": 1}, "job"),
        ({"candidate_data": {"first_name": "X"}}, "candidate_data"),
        ({"form_answers": {"years": {"a": 1}}}, "form_answers"),
        ({"form_answers": []}, "form_answers"),
        ({"tags": "python"}, "tags"),
    ],
)
def test_invalid_input_is_a_400_keyed_by_field(api_for, recruiter, job, body, field):
    body = {"job": job.pk, "candidate_data": {"first_name": "X", "last_name": "Y", "email": "x@y.org"}, **body}

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Application.objects.exists()


def test_another_organisations_job_or_candidate_is_refused(api_for, recruiter, job, other_organization):
    their_job = make_job(other_organization)
    their_candidate = CandidateFactory(organization=other_organization)
    client = api_for(recruiter)

    wrong_job = client.post(LIST, {"job": their_job.pk, "candidate_id": their_candidate.pk}, format="json")
    wrong_candidate = client.post(LIST, {"job": job.pk, "candidate_id": their_candidate.pk}, format="json")

    assert wrong_job.status_code == wrong_candidate.status_code == 400
    assert set(wrong_job.json()) == {"job", "candidate_id"}
    assert set(wrong_candidate.json()) == {"candidate_id"}
    assert not Application.objects.exists()


@pytest.mark.parametrize("body", [[], "x", 5])
def test_a_body_that_is_not_an_object_is_a_400(api_for, recruiter, body):
    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- Editing ---------------------------------------------------------------------------


def test_patch_rates_tags_stars_archives_and_notes_through_the_boards_services(api_for, recruiter, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0], tags=["old", "Keep"])
    body = {
        "rating": 4,
        "tags": ["keep", "New"],
        "is_starred": True,
        "is_archived": True,
        "notes": "Strong",
        "internal_notes": "Ask about notice period",
    }

    response = api_for(recruiter).patch(detail(application), body, format="json")

    assert response.status_code == 200, response.json()
    application.refresh_from_db()
    assert (application.rating, application.is_starred, application.is_archived) == (4, True, True)
    assert (application.notes, application.internal_notes) == ("Strong", "Ask about notice period")
    # The tag is matched whatever its casing: "Keep" stays as first spelt.
    assert sorted(application.tags.values_list("name", flat=True)) == ["Keep", "New"]
    assert application.events.filter(kind="archived").exists()  # set_archived writes the timeline
    out = response.json()
    assert (out["rating"], out["is_starred"], out["tags"]) == (4, True, ["Keep", "New"])


def test_patch_leaves_out_what_it_does_not_name(api_for, recruiter, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0], tags=["python"], is_starred=True, rating=3)

    response = api_for(recruiter).patch(detail(application), {"notes": "Only this"}, format="json")

    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.rating, application.is_starred, application.notes) == (3, True, "Only this")
    assert list(application.tags.values_list("name", flat=True)) == ["python"]


@pytest.mark.parametrize(
    "body", [{"rating": 6}, {"rating": "great"}, {"tags": ["x" * 41]}, {"is_starred": "maybe"}, {"rating": 10**30}]
)
def test_patch_refuses_bad_values(api_for, recruiter, application, body):
    response = api_for(recruiter).patch(detail(application), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == set(body)
    application.refresh_from_db()
    assert (application.rating, application.is_starred) == (None, False)


def test_read_only_fields_are_ignored_by_patch(api_for, recruiter, application):
    response = api_for(recruiter).patch(detail(application), {"status": "hired", "job": 999}, format="json")

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == "active"


# --- Moving ----------------------------------------------------------------------------


def test_advance_moves_to_the_next_stage_with_history_and_stage_actions(
    api_for, recruiter, application, stages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post(advance_url(application))

    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Ada Example moved to Initial Screening."
    assert (body["application"]["current_stage"], body["application"]["current_stage_name"]) == (
        stages[1].pk,
        "Initial Screening",
    )
    application.refresh_from_db()
    assert application.current_stage == stages[1]
    entry = application.stage_history.get()
    assert (entry.from_stage, entry.to_stage, entry.moved_by) == (stages[0], stages[1], recruiter)
    # Initial Screening's stage action (a screening task) was set off, as by the board.
    assert ActionRun.objects.filter(application=application, history=entry).exists()
    assert body["application"]["stage_history"][-1]["to_stage_name"] == "Initial Screening"


def test_advance_at_the_last_stage_is_a_400_with_a_message(api_for, recruiter, job, stages):
    last = ApplicationFactory(job=job, current_stage=stages[-1])

    response = api_for(recruiter).post(advance_url(last))

    assert response.status_code == 400
    assert response.json() == {"message": "This application is already at the last stage."}
    last.refresh_from_db()
    assert last.current_stage == stages[-1]
    assert not last.stage_history.exists()


@pytest.mark.parametrize("closed", ["rejected", "withdrawn"])
def test_a_closed_application_does_not_advance(api_for, recruiter, job, stages, closed):
    application = ApplicationFactory(job=job, current_stage=stages[0], status=closed)

    response = api_for(recruiter).post(advance_url(application))

    assert response.status_code == 400
    assert response.json() == {"message": "This application is closed: bring it back before moving it on."}
    application.refresh_from_db()
    assert application.current_stage == stages[0]


def test_move_stage_by_id(api_for, recruiter, application, stages, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post(
            move_url(application), {"stage_id": stages[5].pk, "notes": "Fast track"}, format="json"
        )

    assert response.status_code == 200
    assert response.json()["message"] == "Ada Example moved to Reference Check."
    application.refresh_from_db()
    assert application.current_stage == stages[5]
    entry = application.stage_history.get()
    assert (entry.to_stage, entry.note, entry.moved_by) == (stages[5], "Fast track", recruiter)
    # Reference Check's two reference-call tasks were set off.
    assert ActionRun.objects.filter(application=application, history=entry).count() == 2


def test_move_stage_by_name_in_any_casing(api_for, recruiter, application, stages):
    response = api_for(recruiter).post(move_url(application), {"stage_id": "  phone SCREEN "}, format="json")

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.current_stage == stages[2]
    assert response.json()["application"]["current_stage_name"] == "Phone Screen"


@pytest.mark.parametrize("stage_id", ["Nowhere", 10**30, -1, 0])
def test_move_stage_to_an_unknown_stage_is_a_400(api_for, recruiter, application, stages, stage_id):
    response = api_for(recruiter).post(move_url(application), {"stage_id": stage_id}, format="json")

    assert response.status_code == 400
    assert response.json() == {"stage_id": ["This job has no stage with that id or name."]}
    application.refresh_from_db()
    assert application.current_stage == stages[0]


def test_move_stage_to_another_jobs_stage_is_a_400(api_for, recruiter, organization, application, stages):
    other_job = make_job(organization, title="Designer")

    response = api_for(recruiter).post(move_url(application), {"stage_id": other_job.stages.last().pk}, format="json")

    assert response.status_code == 400
    assert "stage_id" in response.json()
    application.refresh_from_db()
    assert application.current_stage == stages[0]


@pytest.mark.parametrize("body", [{}, {"stage_id": None}, {"stage_id": True}, {"stage_id": [1]}, {"stage_id": ""}])
def test_move_stage_without_a_stage_is_a_400(api_for, recruiter, application, body):
    response = api_for(recruiter).post(move_url(application), body, format="json")

    assert response.status_code == 400
    assert "stage_id" in response.json()


def test_a_hiring_manager_moves_their_own_jobs_applications(api_for, hiring_manager, job, application, stages):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)

    response = api_for(hiring_manager).post(advance_url(application))

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.current_stage == stages[1]


# --- Filters and cost ------------------------------------------------------------------


def test_filters_narrow_the_list(api_for, recruiter, job, stages):
    starred = ApplicationFactory(job=job, current_stage=stages[1], is_starred=True, tags=["Python"])
    ApplicationFactory(job=job, current_stage=stages[0])
    client = api_for(recruiter)

    assert ids(client.get(LIST, {"stage": stages[1].pk})) == [starred.pk]
    assert ids(client.get(LIST, {"is_starred": "true"})) == [starred.pk]
    assert ids(client.get(LIST, {"tag": "PYTHON"})) == [starred.pk]


@pytest.mark.parametrize("params", [{"job": "abc"}, {"status": "lost"}, {"stage": "-1"}, {"job": str(10**30)}])
def test_bad_filters_are_a_400(api_for, recruiter, application, params):
    response = api_for(recruiter).get(LIST, params)

    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_listing_50_costs_the_same_queries_as_listing_5(api_for, recruiter, job, stages, years):
    client = api_for(recruiter)
    for application in bulk_applications(job, 60, stages=stages):
        ApplicationFormAnswer.objects.create(application=application, field=years, key="years", label="Y", value=3)
        ApplicationStageHistory.objects.create(application=application, to_stage=application.current_stage)
    ApplicationFactory(job=job, current_stage=stages[0], tags=["a", "b"])

    def cost(page_size):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(queries)

    cost(5)  # warm-up: the first call of a token writes what later calls only read
    assert cost(5) == cost(50)
