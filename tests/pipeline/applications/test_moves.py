"""Moving cards: a dropped column (POST /jobs/<id>/board/columns/<stage>/), the "Move to…" menu
(POST /applications/<id>/move/), advancing, and the stage history every move writes."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import HiringTeamMember
from pipeline.applications import services
from pipeline.models import Application, ApplicationStageHistory
from tests.factories import ApplicationFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Every statement counts, savepoints included (the service's transaction becomes one in a test).
MAX_MOVE_QUERIES = 14


@pytest.fixture
def other_job(organization):
    return make_job(organization, title="Designer")


def column_url(job, stage):
    return f"/jobs/{job.pk}/board/columns/{stage.pk}/"


def move_url(application):
    return f"/applications/{application.pk}/move/"


def column_counts(html):
    headers = re.findall(r'id="stage-(\d+)".*?<span [^>]*data-count>(\d+)</span>', html, re.S)
    return {int(stage): int(count) for stage, count in headers}


def applied(job, stage, **fields):
    """An application with its first history entry, as applying makes it."""
    application = ApplicationFactory(job=job, current_stage=stage, **fields)
    ApplicationStageHistory.objects.create(application=application, to_stage=stage, note="Applied")
    return application


def moves(application):
    """The history entries after the first, oldest first."""
    return list(application.stage_history.exclude(from_stage=None).order_by("created_at", "pk"))


# --- A dropped column --------------------------------------------------------


def test_dropping_a_card_in_another_column_moves_it_and_rerenders_the_board(client_for, recruiter, job, stages):
    card = applied(job, stages[0])
    already_there = applied(job, stages[1])
    client = client_for(recruiter)

    response = client.post(column_url(job, stages[1]), {"application": [already_there.pk, card.pk]}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board"')
    card.refresh_from_db()
    assert card.current_stage == stages[1]
    [entry] = moves(card)
    assert (entry.from_stage, entry.to_stage, entry.moved_by) == (stages[0], stages[1], recruiter)
    assert entry.time_in_previous_stage is not None
    counts = column_counts(response.text)
    assert (counts[stages[0].pk], counts[stages[1].pk]) == (0, 2)


def test_the_move_post_stays_within_14_queries(client_for, recruiter, job, stages):
    bulk_applications(job, 30, stages=stages)
    column = list(Application.objects.filter(job=job, current_stage=stages[2]).order_by("position"))
    card = Application.objects.filter(job=job, current_stage=stages[0]).first()
    client = client_for(recruiter)
    client.get(f"/jobs/{job.pk}/board/")  # warm-up: the session row exists

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            column_url(job, stages[2]), {"application": [card.pk, *(a.pk for a in column)]}, headers=HTMX
        )

    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= MAX_MOVE_QUERIES, "\n".join(sql)
    card.refresh_from_db()
    assert card.current_stage == stages[2]
    assert card.stage_history.filter(from_stage=stages[0], to_stage=stages[2]).exists()


def test_the_posted_order_becomes_the_columns_order(client_for, recruiter, job, stages):
    first, second, third = (applied(job, stages[0], position=i) for i in range(3))

    client_for(recruiter).post(column_url(job, stages[0]), {"application": [third.pk, first.pk, second.pk]})

    ordered = Application.objects.filter(job=job).order_by("position").values_list("pk", flat=True)
    assert list(ordered) == [third.pk, first.pk, second.pk]
    assert not ApplicationStageHistory.objects.exclude(from_stage=None).exists()


def test_without_htmx_the_column_post_redirects_to_the_board(client_for, recruiter, job, stages):
    card = applied(job, stages[0])

    response = client_for(recruiter).post(column_url(job, stages[1]), {"application": [card.pk]})

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/board/"
    card.refresh_from_db()
    assert card.current_stage == stages[1]


def test_ids_of_another_job_or_organisation_in_a_column_are_ignored(
    client_for, recruiter, job, stages, other_job, other_organization
):
    ours = applied(job, stages[0])
    other_jobs = applied(other_job, other_job.stages.first(), position=7)
    foreign_job = make_job(other_organization)
    foreign = applied(foreign_job, foreign_job.stages.first(), position=9)

    response = client_for(recruiter).post(
        column_url(job, stages[1]), {"application": [foreign.pk, other_jobs.pk, ours.pk, "x"]}, headers=HTMX
    )

    assert response.status_code == 200
    for application, position in ((other_jobs, 7), (foreign, 9)):
        stage = application.current_stage
        application.refresh_from_db()
        assert (application.current_stage, application.position) == (stage, position)
        assert moves(application) == []
    ours.refresh_from_db()
    assert (ours.current_stage, ours.position) == (stages[1], 0)


def test_a_column_of_another_job_is_404(client_for, recruiter, job, stages, other_job):
    card = applied(job, stages[0])
    foreign_stage = other_job.stages.last()

    response = client_for(recruiter).post(f"/jobs/{job.pk}/board/columns/{foreign_stage.pk}/", {"application": card.pk})

    assert response.status_code == 404
    card.refresh_from_db()
    assert card.current_stage == stages[0]


def test_the_column_of_another_organisations_job_is_404(client_for, recruiter, other_organization):
    foreign_job = make_job(other_organization)
    stage = foreign_job.stages.last()
    card = applied(foreign_job, foreign_job.stages.first())

    response = client_for(recruiter).post(column_url(foreign_job, stage), {"application": card.pk})

    assert response.status_code == 404
    card.refresh_from_db()
    assert card.current_stage != stage


def test_the_column_endpoint_refuses_get(client_for, recruiter, job, stages):
    assert client_for(recruiter).get(column_url(job, stages[0])).status_code == 405


def test_an_interviewer_cannot_move_cards(client_for, interviewer, job, stages):
    HiringTeamMember.objects.create(job=job, user=interviewer)  # sees the board, may not change it
    card = applied(job, stages[0])

    response = client_for(interviewer).post(column_url(job, stages[1]), {"application": card.pk})

    assert response.status_code == 403
    card.refresh_from_db()
    assert card.current_stage == stages[0]


def test_dropping_into_a_switched_off_stage_is_refused_with_a_message(client_for, recruiter, job, stages):
    card = applied(job, stages[0])
    stages[1].is_active = False
    stages[1].save()

    response = client_for(recruiter).post(column_url(job, stages[1]), {"application": card.pk}, follow=True)

    assert "switched off" in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[0]


# --- The "Move to…" menu -----------------------------------------------------


def test_the_move_menu_moves_the_card_and_says_so(client_for, recruiter, job, stages):
    card = applied(job, stages[0], candidate__first_name="Ada")

    response = client_for(recruiter).post(move_url(card), {"stage": stages[3].pk, "note": "Strong CV"}, follow=True)

    assert "moved to Technical Interview" in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[3]
    [entry] = moves(card)
    assert (entry.from_stage, entry.to_stage, entry.note) == (stages[0], stages[3], "Strong CV")


def test_the_move_menu_with_htmx_returns_the_fresh_board(client_for, recruiter, job, stages):
    card = applied(job, stages[0])

    response = client_for(recruiter).post(move_url(card), {"stage": stages[1].pk}, headers=HTMX)

    counts = column_counts(response.text)
    assert (counts[stages[0].pk], counts[stages[1].pk]) == (0, 1)


def test_a_move_to_another_jobs_stage_is_refused_with_a_message(client_for, recruiter, job, stages, other_job):
    card = applied(job, stages[0])

    response = client_for(recruiter).post(move_url(card), {"stage": other_job.stages.last().pk}, follow=True)

    assert "Choose a stage of this job." in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[0]
    assert moves(card) == []


def test_the_service_refuses_a_stage_of_another_job(job, stages, other_job):
    card = applied(job, stages[0])

    with pytest.raises(ValidationError, match="another job"):
        services.move_application(application=card, to_stage=other_job.stages.last())

    card.refresh_from_db()
    assert card.current_stage == stages[0]
    assert moves(card) == []


def test_the_service_refuses_a_switched_off_stage(job, stages):
    card = applied(job, stages[0])
    stages[2].is_active = False
    stages[2].save()

    with pytest.raises(ValidationError, match="switched off"):
        services.move_application(application=card, to_stage=stages[2])

    assert moves(card) == []


def test_moving_another_organisations_application_is_404(client_for, recruiter, other_organization):
    foreign_job = make_job(other_organization)
    foreign_stages = list(foreign_job.stages.all())
    card = applied(foreign_job, foreign_stages[0])

    assert client_for(recruiter).post(move_url(card), {"stage": foreign_stages[1].pk}).status_code == 404
    card.refresh_from_db()
    assert card.current_stage == foreign_stages[0]


def test_the_move_endpoint_refuses_get(client_for, recruiter, job, stages):
    assert client_for(recruiter).get(move_url(applied(job, stages[0]))).status_code == 405


def test_a_refused_htmx_move_shows_its_error_in_the_response(client_for, recruiter, job, stages, other_job):
    card = applied(job, stages[0])

    response = client_for(recruiter).post(move_url(card), {"stage": other_job.stages.last().pk}, headers=HTMX)

    assert "Choose a stage of this job." in response.text


# --- Advancing -----------------------------------------------------------------


def test_advance_moves_to_the_next_active_stage(client_for, recruiter, job, stages):
    card = applied(job, stages[0])
    stages[1].is_active = False
    stages[1].save()

    response = client_for(recruiter).post(f"/applications/{card.pk}/advance/", follow=True)

    assert "moved to Phone Screen" in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[2]


def test_advance_at_the_last_stage_is_refused(client_for, recruiter, job, stages):
    card = applied(job, stages[-1])

    response = client_for(recruiter).post(f"/applications/{card.pk}/advance/", follow=True)

    assert "already at the last stage" in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[-1]


# --- History -------------------------------------------------------------------


def test_moving_to_the_current_stage_writes_no_history(job, stages):
    card = applied(job, stages[2])
    entered = card.stage_entered_at

    assert services.move_application(application=card, to_stage=stages[2], position=4) is None

    card.refresh_from_db()
    assert (card.current_stage, card.position, card.stage_entered_at) == (stages[2], 4, entered)
    assert moves(card) == []


def test_dropping_a_card_in_its_own_column_writes_no_history(client_for, recruiter, job, stages):
    card = applied(job, stages[2])

    client_for(recruiter).post(column_url(job, stages[2]), {"application": card.pk})

    assert moves(card) == []


def test_history_chains_from_and_to_and_never_repeats_a_stage(job, stages, recruiter):
    card = applied(job, stages[0])
    card.stage_entered_at = timezone.now() - timedelta(days=3)
    card.save()

    for stage in (stages[1], stages[1], stages[4], stages[0], stages[0]):
        services.move_application(application=card, to_stage=stage, by=recruiter)

    history = moves(card)
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (stages[0], stages[1]),
        (stages[1], stages[4]),
        (stages[4], stages[0]),
    ]
    assert history[0].time_in_previous_stage >= timedelta(days=3)
    assert all(h.from_stage_id != h.to_stage_id for h in ApplicationStageHistory.objects.all())


def test_the_database_forbids_a_history_entry_from_a_stage_to_itself(job, stages):
    card = applied(job, stages[0])

    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationStageHistory.objects.create(application=card, from_stage=stages[1], to_stage=stages[1])

    assert moves(card) == []
