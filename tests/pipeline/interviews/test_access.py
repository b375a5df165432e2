"""Who sees what about interviews: pipeline.interviews.access, and the application and candidate rules
(pipeline.applications.access, pipeline.candidates.access) that a seat on a panel opens."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Membership
from jobs.models import HiringTeamMember
from mail.services import queue_email
from pipeline.applications.access import applications_visible_to, can_view_application, members_who_see
from pipeline.automation.models import ActionRun
from pipeline.candidates.access import can_view_candidate, candidates_visible_to, members_who_see_candidate
from pipeline.interviews.access import (
    blinded_applications,
    interviews_visible_to,
    may_schedule,
    scorecards_visible_to,
)
from pipeline.interviews.services import cancel_interview, submit_scorecard
from tests.factories import ApplicationFactory, CandidateFactory, MembershipFactory, make_job, pdf_bytes

from .conftest import START

pytestmark = pytest.mark.django_db


def membership(user):
    return user.memberships.get()


@pytest.fixture
def manager_on_team(job, hiring_manager):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    return hiring_manager


@pytest.fixture
def second_interviewer(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER, user__name="Ned").user


@pytest.fixture
def designer_application(organization):
    """Dee's application to another job of the organisation, whose team the hiring manager is not on."""
    return ApplicationFactory(job=make_job(organization, title="Designer"), candidate__first_name="Dee")


@pytest.fixture
def interviews(
    clock, schedule, application, other_application, designer_application, interviewer, second_interviewer,
    manager_on_team, other_organization,
):  # fmt: skip
    stranger = other_organization.memberships.get().user
    elsewhere = ApplicationFactory(job=make_job(other_organization))
    return {
        "Ada's, with the interviewer": schedule(application, [interviewer]),
        "Ada's second, without them": schedule(application, [second_interviewer], title="Second interview"),
        "Bo's, with no one": schedule(other_application, []),
        "Dee's, with the manager": schedule(designer_application, [manager_on_team]),
        "Dee's, without the manager": schedule(designer_application, [second_interviewer]),
        "another organisation's": schedule(elsewhere, [stranger], organizer=None),
    }


def seen(user, interviews):
    visible = set(interviews_visible_to(membership(user)).values_list("pk", flat=True))
    return sorted(name for name, interview in interviews.items() if interview.pk in visible)


# --- Interviews ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "recruiter", "organizer"])
def test_owners_and_recruiters_see_every_interview_of_their_organisation(role, request, interviews):
    everything = sorted(name for name in interviews if name != "another organisation's")

    assert seen(request.getfixturevalue(role), interviews) == everything


def test_a_hiring_manager_sees_their_jobs_interviews_and_those_they_are_on(manager_on_team, interviews):
    assert {
        "Ada's second, without them", "Ada's, with the interviewer", "Bo's, with no one", "Dee's, with the manager",
    } <= set(seen(manager_on_team, interviews))  # fmt: skip
    assert "another organisation's" not in seen(manager_on_team, interviews)


def test_a_hiring_manager_on_the_team_and_the_panel_sees_the_application_once(
    job, application, manager_on_team, schedule, clock
):
    # A team of three: joined rather than asked through a subquery, the team's rows would repeat it.
    for role in (Membership.Role.HIRING_MANAGER, Membership.Role.RECRUITER):
        member = MembershipFactory(organization=job.organization, role=role).user
        HiringTeamMember.objects.create(job=job, user=member, role=HiringTeamMember.Role.INTERVIEWER)
    schedule(application, [manager_on_team])

    visible = applications_visible_to(membership(manager_on_team)).filter(candidate=application.candidate)

    assert list(visible.values_list("pk", flat=True)) == [application.pk]


def test_a_hiring_manager_on_another_jobs_panel_sees_only_that_interview(manager_on_team, interviews):
    assert "Dee's, with the manager" in seen(manager_on_team, interviews)
    assert "Dee's, without the manager" not in seen(manager_on_team, interviews)


def test_a_hiring_manager_on_another_jobs_panel_may_not_schedule_for_it(
    manager_on_team, designer_application, interviews
):
    assert can_view_application(membership(manager_on_team), designer_application)
    assert not may_schedule(membership(manager_on_team), designer_application)


def test_a_hiring_manager_on_another_jobs_panel_may_not_reject_it(
    manager_on_team, application, designer_application, interviews, client_for
):
    client = client_for(manager_on_team)
    assert client.get(reverse("pipeline:reject_application", args=[application.pk])).status_code == 200  # their job's
    # Yours to see (through the panel), not to decide on: 403.
    assert client.get(reverse("pipeline:reject_application", args=[designer_application.pk])).status_code == 403


def test_an_interviewer_sees_only_the_interviews_they_are_on(interviewer, second_interviewer, interviews):
    # Not even another interview of the same application.
    assert seen(interviewer, interviews) == ["Ada's, with the interviewer"]
    assert seen(second_interviewer, interviews) == ["Ada's second, without them", "Dee's, without the manager"]


def test_another_organisation_sees_only_its_own(other_organization, interviews, application):
    stranger = other_organization.memberships.get().user

    assert seen(stranger, interviews) == ["another organisation's"]
    assert not applications_visible_to(membership(stranger)).filter(pk=application.pk).exists()
    assert not can_view_candidate(membership(stranger), application.candidate)
    assert applications_visible_to(membership(stranger)).count() == 1  # their own organisation's one


def test_a_member_who_left_sees_no_interview(interviewer, interviews):
    assert seen(interviewer, interviews) == ["Ada's, with the interviewer"]
    Membership.objects.filter(user=interviewer).update(is_active=False)

    assert seen(interviewer, interviews) == []
    assert not interviews_visible_to(None).exists()


def test_who_may_schedule(recruiter, manager_on_team, interviewer, application, designer_application, interviews):
    assert may_schedule(membership(recruiter), application)
    assert may_schedule(membership(manager_on_team), application)  # their job
    assert not may_schedule(membership(interviewer), application)  # sees it through the panel only
    assert not may_schedule(None, application)


# --- What a seat on a panel opens ---------------------------------------------------------------


def test_a_panel_seat_opens_that_application_and_candidate_only(
    clock, schedule, interviewer, application, other_application
):
    member = membership(interviewer)
    assert not applications_visible_to(member).exists()

    schedule(application, [interviewer])

    assert list(applications_visible_to(member)) == [application]
    assert list(candidates_visible_to(member)) == [application.candidate]
    assert can_view_application(member, application) and can_view_candidate(member, application.candidate)
    # Bo applied to the same job: nothing of his.
    assert not can_view_application(member, other_application)
    assert not can_view_candidate(member, other_application.candidate)


def test_a_cancelled_interview_closes_what_it_opened(clock, schedule, interviewer, organizer, application):
    member = membership(interviewer)
    interview = schedule(application, [interviewer])
    assert can_view_application(member, application) and can_view_candidate(member, application.candidate)

    cancel_interview(interview=interview, by=organizer)

    assert not can_view_application(member, application)
    assert not can_view_candidate(member, application.candidate)


def test_the_panel_is_among_those_who_see_the_application(
    clock, schedule, application, interviewer, second_interviewer, recruiter, manager_on_team
):
    before = {m.user for m in members_who_see(application)}
    assert interviewer not in before

    schedule(application, [interviewer])

    seeing = {m.user for m in members_who_see(application)}
    assert seeing == before | {interviewer}
    assert {recruiter, manager_on_team, interviewer} <= seeing
    assert second_interviewer not in seeing  # an interviewer of the organisation not on this panel
    assert interviewer in {m.user for m in members_who_see_candidate(application.candidate)}


# --- Blind feedback -----------------------------------------------------------------------------


@pytest.fixture
def held(clock, schedule, application, interviewer, manager_on_team):
    """Ada's interview with the interviewer and the hiring manager, which has begun."""
    interview = schedule(application, [interviewer, manager_on_team])
    clock.move_to(START)
    return interview


def test_feedback_is_blind_until_you_gave_yours(held, application, other_application, interviewer, manager_on_team):
    theirs = submit_scorecard(interview=held, author=manager_on_team, recommendation="yes")
    member = membership(interviewer)

    assert blinded_applications(member, [application.pk, other_application.pk]) == {application.pk}
    assert list(scorecards_visible_to(member, application)) == []
    # The hiring manager gave theirs: they see all there is.
    assert list(scorecards_visible_to(membership(manager_on_team), application)) == [theirs]

    mine = submit_scorecard(interview=held, author=interviewer, recommendation="no")

    assert blinded_applications(member, [application.pk, other_application.pk]) == set()
    assert list(scorecards_visible_to(member, application)) == [theirs, mine]


def test_a_member_sees_their_own_scorecard_while_blinded(
    clock, schedule, held, application, interviewer, manager_on_team
):
    # On two of Ada's interviews: blind until they have given feedback on both.
    second = schedule(application, [interviewer], starts_at=START, title="Second interview")
    theirs = submit_scorecard(interview=held, author=manager_on_team, recommendation="yes")
    mine = submit_scorecard(interview=held, author=interviewer, recommendation="no")
    member = membership(interviewer)

    assert list(scorecards_visible_to(member, application)) == [mine]
    assert blinded_applications(member, [application.pk]) == {application.pk}

    again = submit_scorecard(interview=second, author=interviewer, recommendation="yes")

    assert list(scorecards_visible_to(member, application)) == [theirs, mine, again]


def test_a_cancelled_interview_owes_no_feedback(clock, schedule, held, application, interviewer, manager_on_team):
    # A second interview for tomorrow, cancelled before it begins: nothing is owed on it.
    second = schedule(application, [interviewer], starts_at=START + timedelta(days=1), title="Second interview")
    theirs = submit_scorecard(interview=held, author=manager_on_team, recommendation="yes")
    mine = submit_scorecard(interview=held, author=interviewer, recommendation="no")
    assert list(scorecards_visible_to(membership(interviewer), application)) == [mine]

    cancel_interview(interview=second, by=None)

    assert list(scorecards_visible_to(membership(interviewer), application)) == [theirs, mine]


def test_a_recruiter_not_on_the_panel_sees_every_scorecard(held, application, recruiter, manager_on_team):
    theirs = submit_scorecard(interview=held, author=manager_on_team, recommendation="yes")

    assert blinded_applications(membership(recruiter), [application.pk]) == set()
    assert list(scorecards_visible_to(membership(recruiter), application)) == [theirs]


def test_another_organisation_sees_no_scorecard(held, application, manager_on_team, other_organization):
    theirs = submit_scorecard(interview=held, author=manager_on_team, recommendation="yes")
    assert list(scorecards_visible_to(membership(manager_on_team), application)) == [theirs]
    stranger = other_organization.memberships.get()

    assert list(scorecards_visible_to(stranger, application)) == []


def test_a_member_who_left_sees_no_scorecard(held, application, recruiter, manager_on_team):
    submit_scorecard(interview=held, author=manager_on_team, recommendation="yes")
    member = membership(recruiter)
    assert scorecards_visible_to(member, application).count() == 1
    member.is_active = False

    assert list(scorecards_visible_to(member, application)) == []
    assert list(scorecards_visible_to(None, application)) == []


# --- Pages: the candidate and their resume ------------------------------------------------------


@pytest.fixture
def with_resume(organization, job, stages):
    candidate = CandidateFactory(
        organization=organization, first_name="Ada", last_name="Lovelace",
        resume=ContentFile(pdf_bytes(["Ada Lovelace"]), name="upload.pdf"), resume_name="Ada Lovelace CV.pdf",
    )  # fmt: skip
    return ApplicationFactory(job=job, candidate=candidate, current_stage=stages[0])


def test_the_panel_opens_the_candidates_page_and_resume(
    clock, schedule, with_resume, interviewer, second_interviewer, client_for
):
    schedule(with_resume, [interviewer])
    candidate = with_resume.candidate
    page = reverse("pipeline:candidate", args=[candidate.pk])
    resume = reverse("pipeline:download_resume", args=[candidate.pk])

    on_panel, not_on_it = client_for(interviewer), client_for(second_interviewer)

    response = on_panel.get(page)
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()
    response = on_panel.get(resume)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert not_on_it.get(page).status_code == 404
    assert not_on_it.get(resume).status_code == 404


def test_the_candidate_page_offers_decisions_only_on_applications_the_member_decides(
    manager_on_team, application, designer_application, interviews, client_for
):
    # Dee's card is there for the interview; the board, Advance and New task are her job's team's.
    client = client_for(manager_on_team)
    theirs = client.get(reverse("pipeline:candidate", args=[application.candidate_id]))
    dees = client.get(reverse("pipeline:candidate", args=[designer_application.candidate_id]))

    assert theirs.status_code == dees.status_code == 200
    advance = reverse("pipeline:application_action", args=[application.pk, "advance"])
    assert reverse("pipeline:board", args=[application.job_id]) in theirs.text
    assert advance in theirs.text
    assert f"application={application.pk}" in theirs.text  # New task
    assert "Designer" in dees.text
    assert reverse("pipeline:board", args=[designer_application.job_id]) not in dees.text
    assert reverse("pipeline:application_action", args=[designer_application.pk, "advance"]) not in dees.text
    assert f"application={designer_application.pk}" not in dees.text


def test_a_hiring_manager_on_another_jobs_panel_may_not_cancel_its_actions(
    manager_on_team, designer_application, interviews, client_for, recruiter
):
    run = ActionRun.objects.create(
        application=designer_application, kind="email", label="Offer to Dee", status=ActionRun.Status.PENDING
    )
    url = reverse("pipeline:cancel_run", args=[run.pk])

    assert client_for(manager_on_team).post(url).status_code == 403
    run.refresh_from_db()
    assert run.status == ActionRun.Status.PENDING
    assert client_for(recruiter).post(url).status_code == 302
    run.refresh_from_db()
    assert run.status == ActionRun.Status.CANCELLED


def test_a_panel_member_reads_no_email_of_the_application_they_interview_for(
    interviewer, recruiter, application, interviews, client_for
):
    queue_email(organization=application.job.organization, to=[application.candidate.email],
                subject="Your offer, Ada", text="Hi", related=application)  # fmt: skip
    url = reverse("pipeline:candidate", args=[application.candidate_id])

    theirs, recruiters = client_for(interviewer).get(url), client_for(recruiter).get(url)

    assert theirs.status_code == recruiters.status_code == 200
    assert "Your offer, Ada" in recruiters.text
    assert "Your offer, Ada" not in theirs.text
