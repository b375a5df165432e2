"""A board card's interview feedback tally ("3 yes · 1 no"), under the blind rule, at a fixed query cost."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.interviews import services
from tests.factories import ApplicationFactory, MembershipFactory, bulk_applications

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def board(client, job, **headers):
    response = client.get(f"/jobs/{job.pk}/board/", headers=headers)
    assert response.status_code == 200
    return response.text


def card_html(html, application):
    """One card's HTML out of a board."""
    start = html.index(f'id="application-{application.pk}"')
    return html[start : html.index("</article>", start)]


def feedback(html, application):
    """The card's tally as shown and as read out, or None."""
    found = re.search(
        r'<span class="card-feedback"[^>]*><span class="visually-hidden">([^<]*)</span>'
        r'<span aria-hidden="true">(.*?)</span></span>',
        card_html(html, application),
    )
    return (re.sub(r"<[^>]+>", "", found[2]), found[1]) if found else None


@pytest.fixture
def members(organization, job):
    """Four hiring managers on the job's team."""
    role = Membership.Role.HIRING_MANAGER
    users = [MembershipFactory(organization=organization, role=role).user for _ in range(4)]
    for user in users:
        HiringTeamMember.objects.create(job=job, user=user, role=HiringTeamMember.Role.HIRING_MANAGER)
    return users


def interview(application, panel, *, hours_ago=2):
    return services.schedule_interview(
        application=application, starts_at=timezone.now() - timedelta(hours=hours_ago), duration_minutes=60,
        interviewers=panel, organizer=panel[0], title="Interview",
    )  # fmt: skip


def give(interview, author, recommendation):
    return services.submit_scorecard(interview=interview, author=author, recommendation=recommendation)


@pytest.fixture
def rated(application, members):
    """Ada's application: 2 strong yes, 1 yes and 1 no over two interviews."""
    first, second = interview(application, members[:2]), interview(application, members[2:], hours_ago=3)
    give(first, members[0], "strong_yes")
    give(first, members[1], "yes")
    give(second, members[2], "strong_yes")
    give(second, members[3], "no")
    return application


def test_a_card_tallies_the_recommendations(client_for, recruiter, rated, job, stages):
    quiet = ApplicationFactory(job=job, current_stage=stages[0])

    html = board(client_for(recruiter), job)

    assert feedback(html, rated) == ("3 yes · 1 no", "Feedback: 2 strong yes, 1 yes, 1 no")
    assert 'title="Feedback: 2 strong yes, 1 yes, 1 no"' in card_html(html, rated)
    assert feedback(html, quiet) is None
    assert "card-feedback" not in card_html(html, quiet)


def test_only_noes_show_no_yes(client_for, recruiter, application, members, job):
    give(interview(application, members[:2]), members[0], "strong_no")

    html = board(client_for(recruiter), job)

    assert feedback(html, application) == ("1 no", "Feedback: 1 strong no")


def test_a_hiring_manager_who_owes_feedback_sees_no_tally_until_they_give_it(client_for, rated, members, job):
    owing = interview(rated, [members[0], members[1]], hours_ago=1)
    give(owing, members[1], "yes")
    client = client_for(members[0])

    assert feedback(board(client, job), rated) is None
    assert feedback(board(client, job, **HTMX), rated) is None

    give(owing, members[0], "no")

    assert feedback(board(client, job), rated) == ("4 yes · 2 no", "Feedback: 2 strong yes, 2 yes, 2 no")


def test_a_hiring_manager_on_a_panel_of_another_application_still_sees_this_tally(
    client_for, rated, members, job, stages
):
    other = ApplicationFactory(job=job, current_stage=stages[0])
    interview(other, [members[0]])  # owed, but about someone else

    html = board(client_for(members[0]), job)

    assert feedback(html, rated) == ("3 yes · 1 no", "Feedback: 2 strong yes, 1 yes, 1 no")


def test_a_cancelled_interview_owes_nothing(client_for, rated, members, recruiter, job):
    # Tomorrow's, cancelled before it begins (one that has begun can't be): nothing is owed on it.
    owing = interview(rated, [members[0]], hours_ago=-24)
    services.cancel_interview(interview=owing, by=recruiter)

    assert feedback(board(client_for(members[0]), job), rated) == (
        "3 yes · 1 no",
        "Feedback: 2 strong yes, 1 yes, 1 no",
    )


@override_settings(DEBUG=False)
def test_a_kept_card_changes_when_feedback_is_given(client_for, recruiter, application, members, job):
    """Cards are kept in memory under a digest of what they show (cards.py): the tally is part of it."""
    client = client_for(recruiter)
    first = interview(application, members[:2])
    give(first, members[0], "yes")
    assert feedback(board(client, job), application)[0] == "1 yes"

    give(first, members[1], "no")

    assert feedback(board(client, job), application)[0] == "1 yes · 1 no"
    star = client.post(f"/applications/{application.pk}/star/", headers=HTMX)
    assert feedback(star.text, application)[0] == "1 yes · 1 no"


def test_the_tally_is_one_query_whatever_the_feedback(client_for, recruiter, job, stages, members):
    client = client_for(recruiter)
    board(client, job)  # warm-up: the session row exists
    applications = list(bulk_applications(job, 30, stages=stages))

    def count(**headers):
        with CaptureQueriesContext(connection) as queries:
            board(client, job, **headers)
        return len(queries)

    few_full, few_partial = count(), count(**HTMX)
    for application in applications[:12]:
        seats = interview(application, members[:3])
        for member, recommendation in zip(members[:3], ("strong_yes", "no", "yes"), strict=True):
            give(seats, member, recommendation)

    assert (count(), count(**HTMX)) == (few_full, few_partial)
    assert board(client, job).count("card-feedback") == 12
