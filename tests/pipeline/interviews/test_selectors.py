"""The reads of interviews: "My interviews"' groups, everyone's list, the dashboard's few, the candidate
page's, and who on a panel is busy elsewhere; each in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.interviews import selectors
from pipeline.interviews.models import Scorecard
from tests.factories import ApplicationFactory, MembershipFactory, OrganizationFactory, make_job

from .test_views import at, make_interview

pytestmark = pytest.mark.django_db


def membership(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def ivan(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user


@pytest.fixture
def other_application(job, stages):
    return ApplicationFactory(job=job, current_stage=stages[0])


def test_each_of_my_interviews_is_in_one_group(ivan, recruiter, application):
    coming = make_interview(application, [ivan], starts_at=at(1, 9))
    going_on = make_interview(application, [ivan], starts_at=timezone.now() - timedelta(minutes=30), minutes=120)
    owing = make_interview(application, [ivan], starts_at=at(-1, 9))
    given = make_interview(application, [ivan], starts_at=at(-2, 9))
    Scorecard.objects.create(interview=given, author=ivan, recommendation="yes")
    cancelled_over = make_interview(application, [ivan], starts_at=at(-3, 9), status="cancelled")
    make_interview(application, [recruiter], starts_at=at(1, 10))  # not his

    groups = selectors.my_interviews(membership(ivan))

    found = {key: group["rows"] for key, group in groups.items()}
    assert found == {"upcoming": [going_on, coming], "feedback": [owing], "done": [given, cancelled_over]}
    assert sum(group["count"] for group in groups.values()) == 5


def test_my_interviews_are_four_queries_however_many(ivan, application, django_assert_num_queries):
    for day in [*range(-20, 0), *range(1, 21)]:
        interview = make_interview(application, [ivan], starts_at=at(day, 9))
        if day < -15:
            Scorecard.objects.create(interview=interview, author=ivan, recommendation="yes")
    member = membership(ivan)

    with django_assert_num_queries(4):  # the counts, then each group's rows
        groups = selectors.my_interviews(member)
        for group in groups.values():
            [(row.application.candidate.full_name, row.application.job.title) for row in group["rows"]]

    assert [group["count"] for group in groups.values()] == [20, 15, 5]
    assert [len(group["rows"]) for group in groups.values()] == [10, 10, 5]


def test_on_no_panel_my_interviews_is_one_query(ivan, django_assert_num_queries):
    member = membership(ivan)

    with django_assert_num_queries(1):
        groups = selectors.my_interviews(member)

    assert [group["rows"] for group in groups.values()] == [[], [], []]


def test_another_organisations_interviews_are_not_mine(ivan):
    """A member of two organisations sees each one's interviews in it only."""
    elsewhere = OrganizationFactory()
    MembershipFactory(organization=elsewhere, user=ivan, role=Membership.Role.INTERVIEWER)
    make_interview(ApplicationFactory(job=make_job(elsewhere)), [ivan], starts_at=at(1, 9))

    mine = Membership.objects.get(user=ivan, organization__name="Acme Corp")
    assert [group["count"] for group in selectors.my_interviews(mine).values()] == [0, 0, 0]


def test_everyone_s_list_puts_what_comes_first_then_the_rest_newest_first(
    recruiter, ivan, application, django_assert_num_queries
):
    later = make_interview(application, [ivan], starts_at=at(3, 9))
    sooner = make_interview(application, [ivan], starts_at=at(1, 9))
    old = make_interview(application, [ivan], starts_at=at(-9, 9))
    recent = make_interview(application, [ivan], starts_at=at(-1, 9))
    cancelled = make_interview(application, [ivan], starts_at=at(2, 9), status="cancelled")

    member = membership(recruiter)

    with django_assert_num_queries(3):  # the count, the page, its panels
        page = selectors.all_interviews_page(member, 1)
        rows = list(page.object_list)
        [seat.user.name for row in rows for seat in row.panel.all()]

    assert rows == [sooner, later, cancelled, recent, old]
    assert [row.is_past for row in rows] == [0, 0, 1, 1, 1]


def test_the_dashboard_shows_a_recruiter_every_interview_and_a_manager_theirs(
    recruiter, hiring_manager, job, application, other_application, ivan
):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    on_panel = make_interview(application, [hiring_manager], starts_at=at(2, 9))
    organised = make_interview(other_application, [ivan], starts_at=at(3, 9), organizer=hiring_manager)
    others = make_interview(application, [ivan], starts_at=at(1, 9), organizer=recruiter)
    make_interview(application, [hiring_manager], starts_at=at(-1, 9))  # over

    assert selectors.upcoming_for_dashboard(membership(recruiter)) == [others, on_panel, organised]
    assert selectors.upcoming_for_dashboard(membership(hiring_manager)) == [on_panel, organised]
    assert selectors.upcoming_for_dashboard(membership(recruiter), shown=1) == [others]


def test_a_candidates_interviews_are_what_the_viewer_may_see(
    recruiter, ivan, application, other_application, django_assert_num_queries
):
    his = make_interview(application, [ivan], starts_at=at(2, 9))
    past = make_interview(application, [recruiter], starts_at=at(-2, 9))
    soon = make_interview(application, [recruiter], starts_at=at(1, 9))
    elsewhere = make_interview(other_application, [recruiter], starts_at=at(1, 9))

    recruiters, ivans = membership(recruiter), membership(ivan)

    with django_assert_num_queries(2):
        everyone = selectors.for_applications(recruiters, [application, other_application])
    with django_assert_num_queries(1):
        only_his = selectors.for_applications(ivans, [application, other_application], panel=False)

    assert everyone == {application.pk: [soon, his, past], other_application.pk: [elsewhere]}
    assert only_his == {application.pk: [his], other_application.pk: []}


def test_busy_elsewhere_is_an_overlap_of_a_scheduled_interview_in_one_query(
    recruiter, ivan, application, other_application, django_assert_num_queries
):
    interview = make_interview(application, [ivan, recruiter], starts_at=at(2, 10))  # 10:00-11:00
    overlap = make_interview(other_application, [ivan], starts_at=at(2, 10, minute=59), minutes=30)
    make_interview(other_application, [ivan], starts_at=at(2, 11))  # right after: no clash
    make_interview(other_application, [recruiter], starts_at=at(2, 10), status="cancelled")
    past = make_interview(application, [ivan], starts_at=at(-1, 10))
    rows = selectors.for_applications(membership(recruiter), [application])[application.pk]

    with django_assert_num_queries(1):
        selectors.mark_busy(rows)

    assert rows == [interview, past]
    seats = {seat.user: seat.busy for seat in rows[0].panel.all()}
    assert seats == {ivan: [overlap], recruiter: []}
    assert (rows[0].has_conflict, rows[1].has_conflict) == (True, False)  # what is over is not asked about


def test_a_cancelled_interview_no_longer_shows_its_candidate_to_the_panel(ivan, application):
    cancelled = make_interview(application, [ivan], starts_at=at(1, 9), status="cancelled")

    assert selectors.mark_visible_candidates([cancelled], membership(ivan))[0].sees_candidate is False
    make_interview(application, [ivan], starts_at=at(2, 9))
    assert selectors.mark_visible_candidates([cancelled], membership(ivan))[0].sees_candidate is True


def test_the_panel_is_chosen_among_active_members_with_their_role(organization, recruiter, ivan):
    MembershipFactory(organization=organization, is_active=False)
    MembershipFactory(organization=OrganizationFactory())

    found = {user: user.role for user in selectors.member_choices(organization)}

    assert found == {recruiter: Membership.Role.RECRUITER, ivan: Membership.Role.INTERVIEWER}
