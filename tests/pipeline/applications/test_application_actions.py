"""Decisions on an application: POST /applications/<id>/<action>/ and POST /jobs/<id>/board/bulk/.

Rejecting has its own form (with its email): tests/pipeline/automation/test_reject_form.py."""

import re

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.applications import services
from pipeline.models import Application, TimelineEvent
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Status = Application.Status


def act(client, application, action, follow=True, **data):
    return client.post(f"/applications/{application.pk}/{action}/", data, follow=follow)


def fresh(application):
    return Application.objects.get(pk=application.pk)


def tag_names(application):
    return list(application.tags.values_list("name", flat=True))


# --- Reject, withdraw, bring back ----------------------------------------------


def test_reject_needs_a_reason(recruiter_client, application):
    response = act(recruiter_client, application, "reject", reason="  ")

    assert "Choose a reason." in response.text
    assert fresh(application).status == Status.ACTIVE


def test_reject_records_the_reason_and_the_event(recruiter_client, application, recruiter):
    response = act(recruiter_client, application, "reject", reason="Not enough experience")

    assert "Ada Example was rejected." in response.text
    application = fresh(application)
    assert (application.status, application.rejection_reason) == (Status.REJECTED, "Not enough experience")
    event = TimelineEvent.objects.get(application=application)
    assert (event.kind, event.text, event.actor) == ("rejected", "Rejected: Not enough experience", recruiter)


def test_a_closed_application_cannot_be_rejected_again(recruiter_client, application):
    services.reject_application(application=application, reason="Position filled")

    response = act(recruiter_client, application, "reject", reason="Not a culture add")

    assert "already closed" in response.text
    assert fresh(application).rejection_reason == "Position filled"


@pytest.mark.parametrize("before", [Status.ON_HOLD, Status.ACTIVE])
def test_bringing_back_restores_the_status_before_the_rejection(recruiter_client, application, before):
    application.status = before
    application.save()
    act(recruiter_client, application, "reject", reason="Position filled")

    response = act(recruiter_client, application, "unreject")

    assert "is back in the process" in response.text
    application = fresh(application)
    assert (application.status, application.rejection_reason, application.status_before_rejection) == (before, "", "")


def test_withdraw_records_a_withdrawal_that_can_be_undone(recruiter_client, application):
    act(recruiter_client, application, "withdraw", reason="Accepted another offer")

    application = fresh(application)
    assert (application.status, application.rejection_reason) == (Status.WITHDRAWN, "Accepted another offer")
    assert TimelineEvent.objects.filter(application=application, kind="withdrawn").exists()

    act(recruiter_client, application, "unreject")
    assert fresh(application).status == Status.ACTIVE


def test_bringing_back_an_open_application_is_refused(recruiter_client, application):
    response = act(recruiter_client, application, "unreject")

    assert "This application isn" in response.text  # “isn't rejected”, with the apostrophe escaped
    assert fresh(application).status == Status.ACTIVE


# --- Status --------------------------------------------------------------------


def test_hiring_counts_against_the_jobs_openings(recruiter_client, job, stages, application):
    job.openings = 1
    job.save()
    second = ApplicationFactory(job=job, current_stage=stages[-1])

    first_response = act(recruiter_client, application, "hire")
    second_response = act(recruiter_client, second, "hire")

    assert "Ada Example was hired." in first_response.text
    assert "All 1 opening(s) of this job are filled" in second_response.text
    assert fresh(application).status == Status.HIRED
    assert fresh(application).hired_at is not None
    assert fresh(second).status == Status.ACTIVE


def test_a_second_opening_allows_a_second_hire(job, stages, application):
    job.openings = 2
    job.save()
    second = ApplicationFactory(job=job, current_stage=stages[-1])

    services.set_status(application=application, status=Status.HIRED)
    services.set_status(application=second, status=Status.HIRED)

    assert Application.objects.filter(job=job, status=Status.HIRED).count() == 2


def test_hold_and_activate(recruiter_client, application):
    act(recruiter_client, application, "hold")
    assert fresh(application).status == Status.ON_HOLD

    act(recruiter_client, application, "activate")
    assert fresh(application).status == Status.ACTIVE


def test_activating_a_rejected_application_does_not_leave_a_stale_rejection(recruiter_client, application):
    services.reject_application(application=application, reason="Position filled")

    act(recruiter_client, application, "activate")

    application = fresh(application)
    stale = application.rejection_reason or application.status_before_rejection
    assert application.status == Status.REJECTED or not stale


def test_set_status_refuses_reject_and_withdraw(application):
    with pytest.raises(ValidationError):
        services.set_status(application=application, status=Status.REJECTED)


# --- Star, rate, tags, archive -------------------------------------------------------


def test_star_toggles(recruiter_client, application):
    act(recruiter_client, application, "star")
    assert fresh(application).is_starred is True

    act(recruiter_client, application, "star")
    assert fresh(application).is_starred is False


@pytest.mark.parametrize("rating", [1, 5])
def test_rating_takes_1_to_5(recruiter_client, application, rating):
    act(recruiter_client, application, "rate", rating=rating)

    assert fresh(application).rating == rating


def test_a_rating_of_6_is_refused(recruiter_client, application):
    act(recruiter_client, application, "rate", rating=3)

    response = act(recruiter_client, application, "rate", rating=6)

    assert "A rating is from 1 to 5." in response.text
    assert fresh(application).rating == 3


def test_tags_are_added_cleaned_without_duplicates_and_removed(recruiter_client, application):
    act(recruiter_client, application, "tag", tag="python,  senior   dev , python,")
    assert tag_names(application) == ["python", "senior dev"]

    act(recruiter_client, application, "tag", tag="remote")
    assert tag_names(application) == ["python", "remote", "senior dev"]

    act(recruiter_client, application, "untag", tag="senior dev")
    assert tag_names(application) == ["python", "remote"]


def test_archiving_hides_the_card_from_the_default_board(recruiter_client, job, application):
    act(recruiter_client, application, "archive")

    assert fresh(application).is_archived is True
    board = recruiter_client.get(f"/jobs/{job.pk}/board/")
    assert board.status_code == 200
    assert f'data-application="{application.pk}"' not in board.text
    assert f'data-application="{application.pk}"' in recruiter_client.get(f"/jobs/{job.pk}/board/?status=all").text

    act(recruiter_client, application, "unarchive")
    assert f'data-application="{application.pk}"' in recruiter_client.get(f"/jobs/{job.pk}/board/").text


def test_a_star_with_htmx_returns_that_one_card(recruiter_client, application):
    response = recruiter_client.post(f"/applications/{application.pk}/star/", headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<article class="board-card" id="application-{application.pk}"')
    assert response.text.count("data-application=") == 1
    assert 'class="btn-star starred"' in response.text
    application.refresh_from_db()
    assert application.is_starred


def test_a_tag_with_htmx_returns_the_card_with_its_tags_and_an_error_as_a_toast(recruiter_client, application):
    tagged = recruiter_client.post(f"/applications/{application.pk}/tag/", {"tag": "python, remote"}, headers=HTMX)
    refused = recruiter_client.post(f"/applications/{application.pk}/tag/", {"tag": "x" * 41}, headers=HTMX)

    assert tagged.status_code == refused.status_code == 200
    assert re.findall(r"<span [^>]*data-tag>([^<]+)</span>", tagged.text) == ["python", "remote"]
    assert refused.text.count("data-application=") == 1
    # An error toast, announced by the page's one live region (#toasts), so it carries no role itself.
    assert 'class="toast show' in refused.text and "text-bg-danger" in refused.text
    assert "Keep each tag to 40 characters or fewer." in refused.text


def test_a_decision_with_htmx_that_moves_the_card_returns_the_fresh_board(recruiter_client, application):
    response = recruiter_client.post(f"/applications/{application.pk}/advance/", headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board"')


def test_without_htmx_an_action_redirects_to_next_or_the_board(recruiter_client, application):
    candidate_page = f"/candidates/{application.candidate_id}/"

    back = act(recruiter_client, application, "star", follow=False, next=candidate_page)
    default = act(recruiter_client, application, "star", follow=False, next="https://evil.example/")

    # The fragment (#application-<id>) only scrolls to the card.
    assert back["Location"].split("#")[0] == candidate_page
    assert default["Location"].split("#")[0] == f"/jobs/{application.job_id}/board/"


def test_an_unknown_action_changes_nothing(recruiter_client, application):
    response = act(recruiter_client, application, "explode")

    assert "Unknown action." in response.text
    assert fresh(application).status == Status.ACTIVE


# --- Who may ---------------------------------------------------------------------


def test_actions_refuse_get(recruiter_client, application):
    assert recruiter_client.get(f"/applications/{application.pk}/star/").status_code == 405


def test_another_organisations_application_is_404(recruiter_client, other_organization):
    foreign_job = make_job(other_organization)
    foreign = ApplicationFactory(job=foreign_job, current_stage=foreign_job.stages.first())

    response = act(recruiter_client, foreign, "reject", follow=False, reason="Position filled")

    assert response.status_code == 404
    assert fresh(foreign).status == Status.ACTIVE


def test_an_interviewer_on_the_team_cannot_find_the_application(client_for, interviewer, job, application):
    # Interviewers see no applications yet (only their own interviews, a later step), so for them
    # the application does not exist: 404, as in the URL matrix.
    HiringTeamMember.objects.create(job=job, user=interviewer)

    response = act(client_for(interviewer), application, "hire", follow=False)

    assert response.status_code == 404
    assert fresh(application).status == Status.ACTIVE


def test_a_hiring_manager_decides_on_their_jobs_only(client_for, organization, job, application, stages):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    client = client_for(manager)

    assert act(client, application, "hold", follow=False).status_code == 404

    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    assert act(client, application, "hold", follow=False).status_code == 302
    assert fresh(application).status == Status.ON_HOLD


# --- Bulk ------------------------------------------------------------------------------


def bulk(client, job, follow=True, headers=None, **data):
    return client.post(f"/jobs/{job.pk}/board/bulk/", data, follow=follow, headers=headers or {})


@pytest.fixture
def foreigners(organization, other_organization):
    """An application of another job of the organisation, and one of another organisation."""
    other_job = make_job(organization)
    foreign_job = make_job(other_organization)
    return [
        ApplicationFactory(job=other_job, current_stage=other_job.stages.first()),
        ApplicationFactory(job=foreign_job, current_stage=foreign_job.stages.first()),
    ]


def unchanged(foreigners):
    for before in foreigners:
        after = fresh(before)
        assert (after.current_stage_id, after.status, tag_names(after)) == (before.current_stage_id, before.status, [])
        assert not after.stage_history.exists()


def test_bulk_move_moves_the_selection_and_ignores_foreign_ids(recruiter_client, job, stages, foreigners):
    ours = [ApplicationFactory(job=job, current_stage=stages[i]) for i in (0, 1)]

    response = bulk(
        recruiter_client, job, action="move", stage=stages[4].pk, selected=[a.pk for a in ours + foreigners]
    )

    assert "Moved 2 to Final Interview." in response.text
    assert [fresh(a).current_stage for a in ours] == [stages[4], stages[4]]
    assert all(a.stage_history.filter(to_stage=stages[4]).exists() for a in ours)
    unchanged(foreigners)


def test_bulk_move_to_another_jobs_stage_is_refused(recruiter_client, job, stages, foreigners):
    ours = ApplicationFactory(job=job, current_stage=stages[0])

    response = bulk(recruiter_client, job, action="move", stage=foreigners[0].current_stage_id, selected=[ours.pk])

    assert "Choose a stage to move them to." in response.text
    assert fresh(ours).current_stage == stages[0]


def test_bulk_reject_opens_the_rejection_form_for_the_selection(recruiter_client, job, stages, foreigners):
    # The reason and the rejection email are asked in one form (tests/pipeline/automation/test_reject_form.py).
    ours = ApplicationFactory(job=job, current_stage=stages[0])

    response = bulk(
        recruiter_client, job, follow=False, action="reject", selected=[ours.pk, *(a.pk for a in foreigners)]
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"/jobs/{job.pk}/board/reject/?selected={ours.pk}&next=")
    assert fresh(ours).status == Status.ACTIVE


def test_bulk_reject_rejects_the_open_ones_and_ignores_foreign_ids(recruiter_client, job, stages, foreigners):
    open_one = ApplicationFactory(job=job, current_stage=stages[0])
    closed = ApplicationFactory(job=job, current_stage=stages[0])
    services.reject_application(application=closed, reason="Position filled")

    response = recruiter_client.post(
        f"/jobs/{job.pk}/board/reject/",
        {"reason": "Not a culture add", "selected": [open_one.pk, closed.pk, *(a.pk for a in foreigners)]},
        follow=True,
    )

    assert "Rejected 1. No email was sent." in response.text
    assert (fresh(open_one).status, fresh(open_one).rejection_reason) == (Status.REJECTED, "Not a culture add")
    assert fresh(closed).rejection_reason == "Position filled"
    unchanged(foreigners)


def test_bulk_tag_tags_the_selection_and_ignores_foreign_ids(recruiter_client, job, stages, foreigners):
    ours = [ApplicationFactory(job=job, current_stage=stages[0], tags=["keep"]) for _ in range(2)]

    bulk(recruiter_client, job, action="tag", tag="shortlist", selected=[a.pk for a in ours + foreigners])

    assert [tag_names(a) for a in ours] == [["keep", "shortlist"], ["keep", "shortlist"]]
    unchanged(foreigners)


def test_bulk_with_nothing_selected_says_so(recruiter_client, job, foreigners):
    response = bulk(recruiter_client, job, action="tag", tag="x", selected=[a.pk for a in foreigners])

    assert "Select at least one application." in response.text
    unchanged(foreigners)


def test_bulk_with_htmx_returns_the_fresh_board(recruiter_client, job, stages):
    ours = ApplicationFactory(job=job, current_stage=stages[0])

    response = bulk(
        recruiter_client, job, follow=False, headers=HTMX, action="move", stage=stages[2].pk, selected=[ours.pk]
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board"')
    assert fresh(ours).current_stage == stages[2]


def test_bulk_on_another_organisations_job_is_404(recruiter_client, foreigners):
    foreign = foreigners[1]

    response = bulk(recruiter_client, foreign.job, follow=False, action="tag", tag="x", selected=[foreign.pk])

    assert response.status_code == 404
    unchanged([foreign])


def test_bulk_refuses_get(recruiter_client, job):
    assert recruiter_client.get(f"/jobs/{job.pk}/board/bulk/").status_code == 405


def test_bulk_move_to_a_switched_off_stage_is_refused_with_a_message(recruiter_client, job, stages):
    ours = ApplicationFactory(job=job, current_stage=stages[0])
    stages[2].is_active = False
    stages[2].save()

    response = bulk(recruiter_client, job, action="move", stage=stages[2].pk, selected=[ours.pk])

    assert response.status_code == 200
    assert fresh(ours).current_stage == stages[0]
