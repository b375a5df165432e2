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
# Entering a stage closes confirmations left unanswered at the stage it leaves, reads the new stage's
# actions and writes their runs: three more than before stage actions. The moved card's interview
# feedback tally (one grouped query, step 11): one more.
MAX_MOVE_QUERIES = 19


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


def test_dropping_a_card_in_another_column_moves_it_and_answers_with_what_changed(client_for, recruiter, job, stages):
    card = applied(job, stages[0], candidate__first_name="Ada")
    already_there = applied(job, stages[1])
    client = client_for(recruiter)

    response = client.post(column_url(job, stages[1]), {"application": [already_there.pk, card.pk]}, headers=HTMX)

    assert response.status_code == 200
    card.refresh_from_db()
    assert card.current_stage == stages[1]
    [entry] = moves(card)
    assert (entry.from_stage, entry.to_stage, entry.moved_by) == (stages[0], stages[1], recruiter)
    assert entry.time_in_previous_stage is not None
    # Not the board: the moved card, the two columns' counts and feet, and a toast with Undo.
    assert '<div id="board"' not in response.text
    assert re.findall(r'data-application="(\d+)"', response.text) == [str(card.pk)]
    assert f'data-stage="{stages[1].pk}"' in response.text  # its menu now leaves out its new stage
    counts = dict(re.findall(r'id="count-(\d+)" data-count data-hx-swap-oob="true">(\d+)<', response.text))
    assert counts == {str(stages[0].pk): "0", str(stages[1].pk): "2"}
    assert f'id="foot-{stages[0].pk}"' in response.text and "Nobody here yet" in response.text
    assert "moved to Initial Screening." in response.text
    assert f'action="/applications/{card.pk}/undo-move/"' in response.text
    assert f'name="history" value="{entry.pk}"' in response.text


def _shape(sql):
    """A statement with its numbers, id lists and per-row CASE branches folded: what it does, not its data."""
    sql = re.sub(r"\d+", "N", sql)
    sql = re.sub(r"IN \(N(, N)*\)", "IN (…)", sql)
    return re.sub(r"(WHEN \(\S+ = N\) THEN N )+", "WHEN … ", sql)


def _drag_answer(client, job, stages, size):
    """A drag from the first column to the third, on a board of `size` applications."""
    column = list(Application.objects.filter(job=job, current_stage=stages[2]).order_by("position", "pk")[:25])
    card = Application.objects.filter(job=job, current_stage=stages[0]).order_by("position", "pk").first()
    board = f"http://testserver/jobs/{job.pk}/board/"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            column_url(job, stages[2]),
            {"application": [card.pk, *(a.pk for a in column)]},
            headers={**HTMX, "HX-Current-URL": board},
        )
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.current_stage == stages[2], size
    sql = [_shape(q["sql"]) for q in queries.captured_queries]
    return sql, response.text, re.findall(r'data-application="(\d+)"', response.text)


def test_a_drag_costs_the_same_at_30_and_at_3000_applications(client_for, recruiter, job, stages):
    client = client_for(recruiter)
    client.get(f"/jobs/{job.pk}/board/")  # warm-up: the session row exists
    bulk_applications(job, 30, stages=stages)
    few_sql, few_text, few_cards = _drag_answer(client, job, stages, 30)

    bulk_applications(job, 2970, stages=stages)
    many_sql, many_text, many_cards = _drag_answer(client, job, stages, 3000)

    assert len(few_cards) == len(many_cards) == 1  # the moved card alone
    assert many_sql == few_sql  # the same statements, whatever the size
    assert abs(len(many_text) - len(few_text)) <= 0.02 * len(few_text)
    board = client.get(f"/jobs/{job.pk}/board/").content
    assert len(many_text) <= 0.10 * len(board)


def test_reordering_within_a_column_answers_with_its_count_alone(client_for, recruiter, job, stages):
    first, second = applied(job, stages[0], position=0), applied(job, stages[0], position=1)

    response = client_for(recruiter).post(
        column_url(job, stages[0]), {"application": [second.pk, first.pk]}, headers=HTMX
    )

    assert response.status_code == 200
    assert "data-application=" not in response.text
    assert f'id="count-{stages[0].pk}" data-count data-hx-swap-oob="true">2<' in response.text
    assert "Undo" not in response.text


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


def test_an_htmx_drop_into_a_switched_off_stage_puts_the_card_back_with_the_whole_board(
    client_for, recruiter, job, stages
):
    card = applied(job, stages[0])
    stages[1].is_active = False
    stages[1].save()

    response = client_for(recruiter).post(column_url(job, stages[1]), {"application": card.pk}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board"')
    assert "switched off" in response.text
    assert column_counts(response.text)[stages[0].pk] == 1


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


# --- Undo ----------------------------------------------------------------------


def undo_url(application):
    return f"/applications/{application.pk}/undo-move/"


def dragged(client, job, stages, card):
    client.post(column_url(job, stages[2]), {"application": [card.pk]}, headers=HTMX)
    [entry] = moves(card)
    return entry


def test_undo_moves_the_card_back_and_records_it(client_for, recruiter, job, stages):
    card = applied(job, stages[0], candidate__first_name="Ada")
    client = client_for(recruiter)
    entry = dragged(client, job, stages, card)

    response = client.post(undo_url(card), {"history": entry.pk}, headers=HTMX)

    assert response.status_code == 200
    card.refresh_from_db()
    assert card.current_stage == stages[0]
    back = moves(card)[-1]
    assert (back.from_stage, back.to_stage, back.moved_by, back.note) == (stages[2], stages[0], recruiter, "Undo")
    # Both columns come back whole, the card in its old one, with the toast.
    sections = re.findall(
        r'<section class="board-column" id="column-(\d+)"[^>]* data-hx-swap-oob="true">', response.text
    )
    assert sorted(sections) == sorted([str(stages[0].pk), str(stages[2].pk)])
    assert f'data-application="{card.pk}"' in response.text
    assert "is back in Application Received." in response.text


def test_undo_is_refused_once_the_card_has_moved_since(client_for, recruiter, job, stages):
    card = applied(job, stages[0])
    client = client_for(recruiter)
    entry = dragged(client, job, stages, card)
    services.move_application(application=card, to_stage=stages[3], by=recruiter)

    response = client.post(undo_url(card), {"history": entry.pk}, follow=True)

    assert response.status_code == 200
    assert "It has moved since" in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[3]
    assert len(moves(card)) == 2


def test_undo_is_refused_after_its_window(client_for, recruiter, job, stages):
    card = applied(job, stages[0])
    client = client_for(recruiter)
    entry = dragged(client, job, stages, card)
    ApplicationStageHistory.objects.filter(pk=entry.pk).update(
        created_at=entry.created_at - services.UNDO_WINDOW - timedelta(seconds=1)
    )

    response = client.post(undo_url(card), {"history": entry.pk}, headers=HTMX)

    assert response.status_code == 200
    assert "Too late to undo" in response.text
    card.refresh_from_db()
    assert card.current_stage == stages[2]


def test_undo_without_htmx_redirects_to_the_board_at_the_card(client_for, recruiter, job, stages):
    card = applied(job, stages[0])
    client = client_for(recruiter)
    entry = dragged(client, job, stages, card)

    response = client.post(undo_url(card), {"history": entry.pk, "next": f"/jobs/{job.pk}/board/?q=x"})

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/board/?q=x#application-{card.pk}"
    card.refresh_from_db()
    assert card.current_stage == stages[0]


def test_undo_of_another_organisations_card_is_404(client_for, recruiter, other_organization):
    foreign_job = make_job(other_organization)
    card = applied(foreign_job, foreign_job.stages.first())

    response = client_for(recruiter).post(undo_url(card), {"history": 1})

    assert response.status_code == 404
