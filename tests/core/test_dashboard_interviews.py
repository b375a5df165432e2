"""Interviews on the dashboard: an interviewer's home is "My interviews" and their tasks; the others get
the next few interviews; everyone finds Interviews in the top bar."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.interviews.models import Scorecard
from pipeline.tasks.models import Task
from tests.factories import ApplicationFactory, MembershipFactory
from tests.pipeline.interviews.test_views import at, make_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivan(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER, user__name="Ivan I").user


def test_an_interviewers_home_is_their_interviews_and_tasks(client_for, ivan, application, organization):
    coming = make_interview(application, [ivan], starts_at=at(1, 9), title="Final interview")
    owing = make_interview(application, [ivan], starts_at=at(-1, 9), title="Phone screen")
    given = make_interview(application, [ivan], starts_at=at(-4, 9), title="Intro call")
    Scorecard.objects.create(interview=given, author=ivan, recommendation="yes")
    Task.objects.create(organization=organization, title="Read the portfolio", assignee=ivan, application=application)

    response = client_for(ivan).get("/")

    assert response.status_code == 200
    groups = {group["key"]: group["rows"] for group in response.context["groups"]}
    assert groups == {"upcoming": [coming], "feedback": [owing], "done": [given]}
    section = response.text.split('data-testid="my-interviews"')[1].split('data-testid="open-tasks"')[0]
    for interview in (coming, owing, given):
        assert f'href="/interviews/{interview.pk}/"' in section
    assert "Give feedback" in section
    assert "Read the portfolio" in response.text
    assert "Open jobs you see" not in response.text
    assert "Waiting too long in a stage" not in response.text


def test_the_interviewers_home_costs_the_same_queries_however_many(client_for, ivan, application):
    client = client_for(ivan)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
            return len(queries)

    for day in (-2, 2):
        make_interview(application, [ivan], starts_at=at(day, 9))
    few = count()
    for day in range(-20, 20, 3):
        make_interview(application, [ivan], starts_at=at(day, 13))

    assert count() == few


def test_a_recruiter_sees_the_next_five_interviews(client_for, recruiter, ivan, application):
    for day in range(1, 8):
        make_interview(application, [ivan], starts_at=at(day, 9), title=f"Round {day}")
    make_interview(application, [ivan], starts_at=at(-1, 9), title="Over")

    response = client_for(recruiter).get("/")

    assert response.status_code == 200
    assert [row.title for row in response.context["upcoming_interviews"]] == [f"Round {day}" for day in range(1, 6)]
    section = response.text.split('data-testid="upcoming-interviews"')[1].split("</section>")[0]
    assert "Round 1" in section and "Round 6" not in section and "Over" not in section
    assert 'href="/interviews/?view=all">All interviews' in section


def test_a_hiring_manager_sees_the_interviews_they_are_on_or_organised(
    client_for, hiring_manager, ivan, job, application, stages
):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    theirs = make_interview(application, [hiring_manager], starts_at=at(2, 9), title="With the manager")
    organised = make_interview(application, [ivan], starts_at=at(3, 9), title="Arranged", organizer=hiring_manager)
    make_interview(ApplicationFactory(job=job, current_stage=stages[0]), [ivan], starts_at=at(1, 9), title="Other")

    response = client_for(hiring_manager).get("/")

    assert response.status_code == 200
    assert response.context["upcoming_interviews"] == [theirs, organised]


def test_nothing_to_come_says_where_interviews_start(client_for, recruiter):
    response = client_for(recruiter).get("/")

    assert response.status_code == 200
    assert "Nothing scheduled. Schedule an interview from a candidate's page." in response.text


@pytest.mark.parametrize("role", list(Membership.Role))
def test_every_member_finds_interviews_in_the_top_bar(client_for, organization, role):
    member = MembershipFactory(organization=organization, role=role).user

    response = client_for(member).get("/")

    assert response.status_code == 200
    assert 'href="/interviews/"><i class="bi bi-calendar2-week me-1" aria-hidden="true"></i>Interviews</a>' in (
        response.text
    )
