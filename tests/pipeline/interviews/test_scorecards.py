"""Scorecards: the form (GET/POST /interviews/<id>/feedback/), the interview page's Feedback section, and the
candidate page's feedback summary, each under the blind rule (pipeline.interviews.access)."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.interviews import services, summary
from pipeline.interviews.feedback import feedback_context
from pipeline.interviews.models import Interview, Scorecard
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db

NOTES_A = "Ann's notes: <b>solid</b> on SQL.\nWeak on caching."
NOTES_B = "Ben's notes: would hire."


@pytest.fixture
def ann(organization, job):
    """A hiring manager on the job's team (who sees the board and the candidate page)."""
    user = MembershipFactory(
        organization=organization, role=Membership.Role.HIRING_MANAGER, user__name="Ann Arbor"
    ).user
    HiringTeamMember.objects.create(job=job, user=user, role=HiringTeamMember.Role.HIRING_MANAGER)
    return user


@pytest.fixture
def ben(organization, job):
    user = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER, user__name="Ben Bell").user
    HiringTeamMember.objects.create(job=job, user=user, role=HiringTeamMember.Role.HIRING_MANAGER)
    return user


def schedule(application, panel, *, starts_at, title="Interview"):
    """An interview through the service (invitations and all), organised by its first interviewer."""
    return services.schedule_interview(
        application=application, starts_at=starts_at, duration_minutes=60, interviewers=panel, organizer=panel[0],
        title=title, location="Office",
    )  # fmt: skip


@pytest.fixture
def past(application, ann, ben):
    """An interview with Ann and Ben that began two hours ago."""
    return schedule(application, [ann, ben], starts_at=timezone.now() - timedelta(hours=2), title="Technical interview")


@pytest.fixture
def attributes(job):
    return list(job.scorecard_attributes.all())


def url(interview):
    return f"/interviews/{interview.pk}/feedback/"


def give(interview, author, recommendation="yes", notes="", **ratings):
    """A scorecard through the service; `ratings` by attribute position: r0=4, r2=3."""
    by_position = list(interview.application.job.scorecard_attributes.all())
    values = {by_position[int(key[1:])].pk: value for key, value in ratings.items()}
    return services.submit_scorecard(
        interview=interview, author=author, recommendation=recommendation, ratings=values, notes=notes
    )


def checked(html, name):
    """The value of the checked radio button named `name`."""
    found = re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"[^>]* checked', html)
    return found[0] if found else None


# --- The form ----------------------------------------------------------------------------------


def test_a_panel_member_gets_the_form_with_each_attribute_in_order(client_for, past, ann, attributes):
    response = client_for(ann).get(url(past))

    assert response.status_code == 200
    html = response.text
    positions = [html.index(f'name="rating-{attribute.pk}"') for attribute in attributes]
    assert positions == sorted(positions)
    for attribute in attributes:
        assert attribute.description in html
        assert f'aria-describedby="attribute-help-{attribute.pk}"' in html
        assert checked(html, f"rating-{attribute.pk}") == ""  # "Not assessed" until rated
    for label in ("Poor", "Weak", "Adequate", "Strong", "Exceptional", "Not assessed"):
        assert label in html
    for value, label in Scorecard.Recommendation.choices:
        assert f'id="rec-{value}" value="{value}"' in html
        assert f">{label}</label>" in html
    assert 'name="notes"' in html


def test_a_panel_member_submits_their_feedback(client_for, past, ann, attributes):
    client = client_for(ann)
    response = client.post(
        url(past),
        {"recommendation": "strong_yes", f"rating-{attributes[0].pk}": "4", f"rating-{attributes[2].pk}": "5",
         f"rating-{attributes[1].pk}": "", "notes": "  Clear thinker.  "},
    )  # fmt: skip

    assert response.status_code == 302
    assert response.url == f"/interviews/{past.pk}/"
    card = Scorecard.objects.get(interview=past, author=ann)
    assert card.recommendation == "strong_yes"
    assert card.ratings == [
        {"attribute": attributes[0].pk, "name": attributes[0].name, "rating": 4},
        {"attribute": attributes[2].pk, "name": attributes[2].name, "rating": 5},
    ]
    assert card.notes == "Clear thinker."
    page = client.get(response.url)
    assert "Thank you: your feedback is in." in page.text


def test_the_form_is_prefilled_with_their_scorecard(client_for, past, ann, attributes):
    give(past, ann, "no", notes="Not yet senior.", r1=2)

    response = client_for(ann).get(url(past))

    assert response.status_code == 200
    assert checked(response.text, "recommendation") == "no"
    assert checked(response.text, f"rating-{attributes[1].pk}") == "2"
    assert checked(response.text, f"rating-{attributes[0].pk}") == ""
    assert ">Not yet senior.</textarea>" in response.text
    assert "Edit your feedback" in response.text


def test_resubmitting_replaces_the_first_scorecard(client_for, past, ann, attributes):
    give(past, ann, "no", notes="First take.", r0=2)

    response = client_for(ann).post(url(past), {"recommendation": "yes", f"rating-{attributes[0].pk}": "4"})

    assert response.status_code == 302
    [card] = Scorecard.objects.filter(interview=past, author=ann)
    assert (card.recommendation, card.notes) == ("yes", "")
    assert [each["rating"] for each in card.ratings] == [4]


def test_without_a_recommendation_nothing_is_saved_and_what_was_typed_stays(client_for, past, ann, attributes):
    response = client_for(ann).post(
        url(past), {f"rating-{attributes[0].pk}": "3", "notes": "Typed <carefully>\nover two lines."}
    )

    assert response.status_code == 400
    assert not Scorecard.objects.exists()
    html = response.text
    assert "Choose a recommendation." in html
    assert checked(html, f"rating-{attributes[0].pk}") == "3"
    assert ">Typed &lt;carefully&gt;\nover two lines.</textarea>" in html
    assert checked(html, "recommendation") is None


def test_a_rating_of_7_is_refused_and_the_rest_is_kept(client_for, past, ann, attributes):
    response = client_for(ann).post(
        url(past),
        {"recommendation": "yes", f"rating-{attributes[0].pk}": "7", f"rating-{attributes[1].pk}": "2", "notes": "Hm"},
    )

    assert response.status_code == 400
    assert not Scorecard.objects.exists()
    html = response.text
    assert f"{attributes[0].name}: choose a rating from 1 to 5." in html
    assert checked(html, "recommendation") == "yes"
    assert checked(html, f"rating-{attributes[1].pk}") == "2"
    assert ">Hm</textarea>" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "x" * 10_001),
        ("recommendation", "x" * 101),
        ("rating", str(10**30)),
        ("rating", "-1"),
        ("rating", "3.5"),
        ("notes", "a\x00b"),
    ],
)
def test_hostile_values_are_refused_without_a_server_error(client_for, past, ann, attributes, field, value):
    """The fuzz table (tests/core/test_fuzz.py) posts as the owner, who is on no panel: here, as the panel."""
    body = {"recommendation": "yes", f"rating-{attributes[0].pk}": "4", "notes": "Fine"}
    body[f"rating-{attributes[0].pk}" if field == "rating" else field] = value
    response = client_for(ann).post(url(past), urlencode(body), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert not Scorecard.objects.exists()


def test_someone_off_the_panel_gets_403(client_for, past, recruiter):
    for method in ("get", "post"):
        response = getattr(client_for(recruiter), method)(url(past), {"recommendation": "yes"})

        assert response.status_code == 403
    assert not Scorecard.objects.exists()


def test_another_organisation_gets_404(client_for, past, other_organization):
    stranger = other_organization.memberships.get().user

    response = client_for(stranger).get(url(past))

    assert response.status_code == 404


def test_before_the_interview_begins_the_page_says_when_feedback_opens(client_for, application, ann):
    starts_at = timezone.now() + timedelta(days=2)
    interview = schedule(application, [ann], starts_at=starts_at)

    response = client_for(ann).get(url(interview))

    assert response.status_code == 200
    assert "Feedback opens when the interview begins" in response.text
    assert f'datetime="{timezone.localtime(starts_at).isoformat()[:19]}' in response.text
    assert "<form" not in response.text.split("<main", 1)[1]


def test_a_post_before_the_interview_begins_saves_nothing(client_for, application, ann):
    interview = schedule(application, [ann], starts_at=timezone.now() + timedelta(days=2))

    response = client_for(ann).post(url(interview), {"recommendation": "yes"})

    assert response.status_code == 400
    assert "Feedback opens when the interview begins" in response.text
    assert 'name="recommendation"' not in response.text
    assert not Scorecard.objects.exists()


def test_a_cancelled_interview_has_no_form(client_for, past, ann, recruiter):
    # Cancelled before it began (one that has begun can't be), and its time has passed since.
    Interview.objects.filter(pk=past.pk).update(status=Interview.Status.CANCELLED)

    response = client_for(ann).get(url(past))

    assert response.status_code == 200
    assert "This interview was cancelled" in response.text
    assert 'name="recommendation"' not in response.text


def test_the_form_refuses_other_methods(client_for, past, ann):
    response = client_for(ann).put(url(past))

    assert response.status_code == 405


# --- The interview page's Feedback section -----------------------------------------------------


def section(user, interview):
    """The Feedback section as `user` sees it on the interview page."""
    request = RequestFactory().get(f"/interviews/{interview.pk}/")
    request.user = user
    request.membership = Membership.objects.get(user=user)
    return render_to_string("pipeline/interviews/_feedback.html", {"feedback": feedback_context(request, interview)})


def test_before_giving_theirs_an_interviewer_sees_none_of_the_others_feedback(past, ann, ben):
    give(past, ben, "strong_yes", notes=NOTES_B)

    html = section(ann, past)

    assert "You'll see the others' feedback once you've given yours." in html
    assert "1 other has given theirs." in html
    assert "Ben's notes" not in html
    assert "Strong yes" not in html
    assert "Ben Bell" not in html
    assert f'href="{url(past)}">' in html and "Give feedback" in html


def test_once_they_have_given_theirs_they_see_the_others(past, ann, ben):
    give(past, ben, "strong_yes", notes=NOTES_B)
    give(past, ann, "no", notes=NOTES_A, r0=2)

    html = section(ann, past)

    assert "Edit your feedback" in html
    assert "Ben&#x27;s notes: would hire." in html
    assert "Ann&#x27;s notes: &lt;b&gt;solid&lt;/b&gt; on SQL.<br>Weak on caching." in html  # escaped, line kept
    assert html.index("Your feedback") < html.index("Ann&#x27;s notes") < html.index("The others")
    assert "Given: Ann Arbor, Ben Bell" in html
    assert "You'll see" not in html


def test_a_recruiter_sees_every_scorecard_and_who_owes_one(past, ann, ben, recruiter):
    give(past, ben, "yes", notes=NOTES_B)

    html = section(recruiter, past)

    assert "Ben&#x27;s notes" in html
    assert "Given: Ben Bell" in html
    assert "Not yet: Ann Arbor" in html
    assert "Give feedback" not in html


def test_the_interview_page_shows_the_section_under_the_blind_rule(client_for, past, ann, ben, recruiter):
    give(past, ben, "strong_yes", notes=NOTES_B)

    blind = client_for(ann).get(f"/interviews/{past.pk}/")
    seen = client_for(recruiter).get(f"/interviews/{past.pk}/")

    assert blind.status_code == seen.status_code == 200
    assert "You'll see the others' feedback once you've given yours." in blind.text
    assert f'href="{url(past)}"' in blind.text
    assert "Ben&#x27;s notes" not in blind.text
    assert "Ben&#x27;s notes: would hire." in seen.text
    assert "Not yet: Ann Arbor" in seen.text


def test_before_it_begins_the_panel_is_told_when_feedback_opens(application, ann):
    interview = schedule(application, [ann], starts_at=timezone.now() + timedelta(days=1))

    html = section(ann, interview)

    assert "Feedback opens when the interview begins" in html
    assert "Give feedback" not in html


def test_the_feedback_section_costs_a_fixed_number_of_queries(past, ann, ben, recruiter):
    give(past, ben, "yes", notes=NOTES_B)
    request = RequestFactory().get("/")
    request.user, request.membership = recruiter, Membership.objects.get(user=recruiter)

    with CaptureQueriesContext(connection) as queries:
        feedback_context(request, past)

    # The panel, the blind rule, the scorecards (whose own check repeats the blind rule's one query).
    assert len(queries) == 4


# --- The candidate page's summary --------------------------------------------------------------


def candidate_page(client, application):
    response = client.get(f"/candidates/{application.candidate_id}/")
    assert response.status_code == 200
    return response.text


def test_the_candidate_page_tallies_the_recommendations_and_averages_the_ratings(
    client_for, past, ann, ben, recruiter, application, attributes
):
    give(past, ann, "strong_yes", notes=NOTES_A, r0=4, r1=3)
    give(past, ben, "yes", notes=NOTES_B, r0=5)
    third = MembershipFactory(organization=recruiter.memberships.get().organization, user__name="Cy Cole").user
    later = schedule(application, [third], starts_at=timezone.now() - timedelta(hours=1), title="Final interview")
    give(later, third, "no", notes="Cy's notes.", r1=2)

    html = candidate_page(client_for(recruiter), application)

    tally = '<p class="feedback-tally mb-1"><span class="visually-hidden">Recommendations: </span>'
    assert tally + '<span class="rec rec-strong_yes">1 Strong yes</span>' in html
    assert '<span class="rec rec-yes">1 Yes</span>' in html and '<span class="rec rec-no">1 No</span>' in html
    assert f"<dt>{attributes[0].name}</dt>" in html and ">4.5</span>" in html  # (4 + 5) / 2
    assert f"<dt>{attributes[1].name}</dt>" in html and ">2.5</span>" in html  # (3 + 2) / 2
    assert html.count('<details class="scorecard-notes">') == 3
    assert "Ann&#x27;s notes: &lt;b&gt;solid&lt;/b&gt; on SQL.<br>Weak on caching." in html
    assert f'href="/interviews/{later.pk}/">Final interview</a>' in html


def test_a_blinded_hiring_manager_sees_only_their_own_and_how_many_others_wrote(client_for, past, ann, ben):
    give(past, ben, "strong_yes", notes=NOTES_B)

    html = candidate_page(client_for(ann), past.application)

    assert "1 other has given feedback." in html
    assert "Ben&#x27;s notes" not in html
    assert "Recommendations:" not in html
    assert "Strong yes" not in html


def test_once_they_have_given_theirs_the_hiring_manager_sees_all_of_it(client_for, past, ann, ben):
    give(past, ben, "strong_yes", notes=NOTES_B)
    give(past, ann, "no", notes=NOTES_A)

    html = candidate_page(client_for(ann), past.application)

    assert "Ben&#x27;s notes: would hire." in html
    assert '<span class="visually-hidden">Recommendations: </span><span class="rec rec-strong_yes">1 Strong yes' in html
    assert '<span class="rec rec-no">1 No</span>' in html
    assert "have given feedback" not in html


def test_an_application_without_feedback_has_no_summary(client_for, past, recruiter):
    html = candidate_page(client_for(recruiter), past.application)

    assert "Interview feedback" not in html


def test_the_summary_is_two_queries_for_all_the_applications_of_the_page(rf, past, ann, ben, recruiter):
    give(past, ben, "yes", notes=NOTES_B)
    request = rf.get("/")
    request.user, request.membership = recruiter, Membership.objects.get(user=recruiter)

    with CaptureQueriesContext(connection) as few:
        summary.application_panels(request, [past.application])

    # The same candidate's applications to three more jobs, each with an interview and two scorecards.
    more = [past.application]
    for n in range(3):
        job = make_job(past.organization)
        application = ApplicationFactory(
            job=job, candidate=past.application.candidate, current_stage=job.stages.first()
        )
        interview = schedule(application, [ann, ben], starts_at=timezone.now() - timedelta(hours=n + 1))
        give(interview, ann, "no", notes=f"Note {n}", r0=3)
        give(interview, ben, "yes", r1=4)
        more.append(application)
    with CaptureQueriesContext(connection) as many:
        panels = summary.application_panels(request, more)

    assert len(few) == len(many) == 2
    assert set(panels) == {application.pk for application in more}
    assert all(context["tally"] for _, context in panels.values())
    assert summary.application_panels(request, []) == {}


def test_the_candidate_page_costs_the_same_with_more_feedback(client_for, past, ann, ben, recruiter):
    client = client_for(recruiter)
    candidate_page(client, past.application)  # warm-up: the session row exists

    def count():
        with CaptureQueriesContext(connection) as queries:
            candidate_page(client, past.application)
        return len(queries)

    give(past, ann, "yes", r0=3)
    few = count()
    give(past, ben, "no", notes=NOTES_B, r0=2, r1=4)
    for n in range(3):
        # Over, like `past` (an interview still on asks who on its panel is busy elsewhere: one more query).
        interview = schedule(past.application, [ann, ben], starts_at=timezone.now() - timedelta(hours=n + 3))
        give(interview, ann, "strong_yes", notes=f"Round {n}")
        give(interview, ben, "strong_no", r2=1)

    assert count() == few
