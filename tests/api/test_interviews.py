"""/api/v1/interviews/ and /api/v1/scorecards/: the interviews' pages' rules, through the API."""

import json
from datetime import timedelta

import icalendar
import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import HiringTeamMember
from mail.models import EmailMessage
from pipeline.applications.models import Application
from pipeline.interviews import calendar, services
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from tests.factories import ApplicationFactory, MembershipFactory, make_job
from tests.pipeline.interviews.conftest import NOW, START, attendees, message_for, only_event, stored_invitation

pytestmark = pytest.mark.django_db

INTERVIEWS = "/api/v1/interviews/"
SCORECARDS = "/api/v1/scorecards/"
HOUR = timedelta(hours=1)


def url(interview, tail=""):
    return f"{INTERVIEWS}{interview.pk}/{tail}"


def member(user):
    return Membership.objects.get(user=user)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """Monday 8 June 2026, 09:00 UTC, standing still until a test moves it."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def team(job, hiring_manager, interviewer):
    """The job's hiring manager and interviewer, on its hiring team."""
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    HiringTeamMember.objects.create(job=job, user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)
    return [hiring_manager, interviewer]


def schedule(application, panel, by, **changes):
    """An interview through the service, as the pages make one (Wednesday 10 June 2026, 12:00 UTC)."""
    arguments = {"starts_at": START, "duration_minutes": 60, "title": "Final interview", "location": "Office"}
    return services.schedule_interview(
        application=application, interviewers=panel, organizer=by, by=by, **arguments | changes
    )


@pytest.fixture
def interview(application, team, recruiter):
    return schedule(application, team, recruiter)


@pytest.fixture
def foreign_interview(other_organization):
    owner = Membership.objects.get(organization=other_organization).user
    theirs = ApplicationFactory(job=make_job(other_organization), candidate__email="zed@example.com")
    return schedule(theirs, [owner], owner)


def body(application, panel, **changes):
    return {
        "application_id": application.pk, "title": "Technical interview", "starts_at": "2026-06-11T14:00:00Z",
        "duration_minutes": 45, "location": "https://meet.example.com/abc", "interviewers": [u.pk for u in panel],
    } | changes  # fmt: skip


# --- Credentials, organisations, roles ----------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [("get", INTERVIEWS), ("post", INTERVIEWS), ("get", f"{INTERVIEWS}1/"), ("patch", f"{INTERVIEWS}1/"),
     ("post", f"{INTERVIEWS}1/cancel/"), ("get", f"{INTERVIEWS}1/ics/"), ("get", SCORECARDS), ("post", SCORECARDS),
     ("get", f"{SCORECARDS}1/"), ("patch", f"{SCORECARDS}1/")],
)  # fmt: skip
def test_no_credentials_is_a_401(method, path):
    response = getattr(APIClient(), method)(path, {}, format="json")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_another_organisations_interview_is_a_404_whatever_the_call(api_for, owner, foreign_interview):
    client = api_for(owner)

    answers = [
        client.get(url(foreign_interview)),
        client.patch(url(foreign_interview), {"title": "Mine now"}),
        client.post(url(foreign_interview, "cancel/"), {}),
        client.get(url(foreign_interview, "ics/")),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert answers[3]["Content-Type"] == "application/json"
    assert answers[3].json() == {"detail": "No Interview matches the given query."}
    foreign_interview.refresh_from_db()
    assert (foreign_interview.title, foreign_interview.status) == ("Final interview", Interview.Status.SCHEDULED)


def test_an_interviewer_sees_only_the_interviews_they_are_on(api_for, interviewer, interview, recruiter,
                                                             other_application):  # fmt: skip
    elsewhere = schedule(other_application, [recruiter], recruiter)
    client = api_for(interviewer)

    listed = client.get(INTERVIEWS)

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [interview.pk]
    assert client.get(url(elsewhere)).status_code == 404
    assert client.get(url(elsewhere, "ics/")).status_code == 404
    assert api_for(recruiter).get(INTERVIEWS).json()["count"] == 2


@pytest.fixture
def other_application(job, stages):
    return ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Bo",
                              candidate__email="bo@example.com")  # fmt: skip


def test_a_read_only_key_reads_but_does_not_schedule(api_key_for, recruiter, interview, application, team):
    client = api_key_for(member(recruiter), read_only=True)

    read = client.get(INTERVIEWS)
    answers = [client.post(INTERVIEWS, body(application, team)), client.patch(url(interview), {"title": "New"}),
               client.post(url(interview, "cancel/"), {}), client.get(url(interview, "ics/"))]  # fmt: skip

    assert read.status_code == 200 and read.json()["count"] == 1
    assert [answer.status_code for answer in answers] == [403, 403, 403, 200]
    assert Interview.objects.count() == 1
    assert Interview.objects.get().title == "Final interview"


@pytest.mark.parametrize("odd", ["99999999999999999999999", "-1", "abc", "0.5"])
@pytest.mark.parametrize(
    "method, path",
    [("get", INTERVIEWS + "{}/"), ("patch", INTERVIEWS + "{}/"), ("post", INTERVIEWS + "{}/cancel/"),
     ("get", INTERVIEWS + "{}/ics/"), ("get", SCORECARDS + "{}/"), ("patch", SCORECARDS + "{}/")],
)  # fmt: skip
def test_an_id_that_is_no_id_is_a_json_404(api_for, recruiter, method, path, odd):
    response = getattr(api_for(recruiter), method)(path.format(odd), {}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


# --- Reading --------------------------------------------------------------------------------------


def test_an_interview_reads_with_its_panel_and_utc_times(api_for, recruiter, interview, application, team):
    response = api_for(recruiter).get(url(interview))

    assert response.status_code == 200
    found = response.json()
    assert found == {
        "id": interview.pk, "application_id": application.pk, "title": "Final interview",
        "starts_at": "2026-06-10T12:00:00Z", "ends_at": "2026-06-10T13:00:00Z", "duration_minutes": 60,
        "time_zone": interview.time_zone, "location": "Office", "interviewers": [user.pk for user in team],
        "panel": [{"id": user.pk, "email": user.email, "name": user.name} for user in team],
        "organizer": recruiter.pk, "status": "scheduled", "sequence": 0, "cancelled_at": None, "cancel_reason": "",
        "created_at": "2026-06-08T09:00:00Z", "updated_at": "2026-06-08T09:00:00Z",
    }  # fmt: skip


def test_the_list_is_paginated_by_start_and_filtered(api_for, recruiter, application, other_application, team,
                                                     interviewer):  # fmt: skip
    later = schedule(application, team, recruiter, starts_at=START + 24 * HOUR)
    sooner = schedule(other_application, [recruiter], recruiter)
    client = api_for(recruiter)

    page = client.get(INTERVIEWS, {"page_size": 1})
    mine = client.get(INTERVIEWS, {"interviewer": interviewer.pk})
    about = client.get(INTERVIEWS, {"application": other_application.pk})
    after = client.get(INTERVIEWS, {"starts_after": "2026-06-11T00:00:00Z"})

    assert page.status_code == 200
    assert (page.json()["count"], page.json()["previous"]) == (2, None)
    assert page.json()["next"].endswith(f"{INTERVIEWS}?page=2&page_size=1")
    assert [row["id"] for row in page.json()["results"]] == [sooner.pk]
    assert [row["id"] for row in mine.json()["results"]] == [later.pk]
    assert [row["id"] for row in about.json()["results"]] == [sooner.pk]
    assert [row["id"] for row in after.json()["results"]] == [later.pk]


@pytest.mark.parametrize(
    "params",
    [{"interviewer": "x"}, {"application": "1" * 30}, {"status": "maybe"}, {"starts_after": "soon"},
     {"starts_before": "0001-01-01T00:00:00+05:00"}, {"starts_after": "9999-12-31T23:59:59-05:00"}],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_it(api_for, recruiter, params):
    response = api_for(recruiter).get(INTERVIEWS, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_listing_costs_the_same_queries_for_many_interviews(api_for, recruiter, job, stages, team,
                                                            django_assert_max_num_queries):  # fmt: skip
    client = api_for(recruiter)

    def add(count):
        for index in range(count):
            schedule(ApplicationFactory(job=job, current_stage=stages[0]), team, recruiter,
                     starts_at=START + index * HOUR)  # fmt: skip

    add(2)
    with django_assert_max_num_queries(50) as few:
        assert client.get(INTERVIEWS).status_code == 200
    add(12)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INTERVIEWS, {"page_size": 50})

    assert response.json()["count"] == 14
    assert all(len(row["panel"]) == 2 for row in response.json()["results"])


# --- Scheduling -----------------------------------------------------------------------------------


def test_scheduling_queues_the_invitations_as_the_pages_do(api_for, recruiter, application, team,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post(INTERVIEWS, body(application, team))

    assert response.status_code == 201
    interview = Interview.objects.get()
    assert response.json()["id"] == interview.pk
    assert response.json()["starts_at"] == "2026-06-11T14:00:00Z"
    assert (interview.title, interview.duration_minutes, interview.organizer) == ("Technical interview", 45, recruiter)
    assert [seat.user for seat in interview.panel.all()] == team
    candidate = stored_invitation(message_for(interview, 0, "candidate"))
    assert candidate["METHOD"] == "REQUEST"
    assert str(only_event(candidate)["UID"]) == calendar.uid(interview, calendar.CANDIDATE)
    assert attendees(only_event(candidate)) == ["ada@example.com"]
    for user in team:
        event = only_event(stored_invitation(message_for(interview, 0, user)))
        assert str(event["UID"]) == calendar.uid(interview, calendar.PANEL)
        assert attendees(event) == [user.email for user in team]
    assert EmailMessage.objects.filter(idempotency_key__startswith=f"interview:{interview.pk}:").count() == 3


def test_a_clash_is_a_400_naming_who_is_busy_and_ignore_conflicts_schedules_anyway(
    api_for, recruiter, interview, other_application, interviewer
):
    client = api_for(recruiter)
    clashing = body(other_application, [interviewer, recruiter], starts_at="2026-06-10T12:30:00Z")

    refused = client.post(INTERVIEWS, clashing)

    assert refused.status_code == 400
    errors = refused.json()
    assert list(errors) == ["interviewers", "ignore_conflicts"]
    assert errors["interviewers"] == [
        f"{interviewer.get_full_name()} <{interviewer.email}> is in another interview then: "
        "2026-06-10T12:00:00Z–2026-06-10T13:00:00Z."
    ]
    assert Interview.objects.count() == 1

    scheduled = client.post(INTERVIEWS, clashing | {"ignore_conflicts": True})

    assert scheduled.status_code == 201
    assert Interview.objects.filter(application=other_application).count() == 1


def test_scheduling_is_for_who_manages_the_application(api_for, interviewer, hiring_manager, application, team,
                                                       interview):  # fmt: skip
    HiringTeamMember.objects.filter(user=hiring_manager).delete()  # now only on the panel: sees, doesn't manage

    answers = [api_for(user).post(INTERVIEWS, body(application, team)) for user in (interviewer, hiring_manager)]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert answers[0].json() == {"detail": "Only recruiters and the job's hiring managers arrange its interviews."}
    assert Interview.objects.count() == 1


def test_a_hiring_manager_schedules_on_their_job(api_for, hiring_manager, application, team):
    response = api_for(hiring_manager).post(INTERVIEWS, body(application, [hiring_manager]))

    assert response.status_code == 201
    assert Interview.objects.get().organizer == hiring_manager


@pytest.mark.parametrize(
    "changes, field",
    [({"starts_at": "2031-01-01T10:00:00Z"}, "starts_at"), ({"starts_at": "9999-12-31T23:59:59Z"}, "starts_at"),
     ({"starts_at": "tomorrow"}, "starts_at"),
     ({"starts_at": "0001-01-01T00:00:00+05:00"}, "starts_at"), ({"duration_minutes": 0}, "duration_minutes"),
     ({"duration_minutes": 2}, "duration_minutes"), ({"duration_minutes": "x"}, "duration_minutes"),
     ({"title": "  "}, "title"), ({"interviewers": [10**30]}, "interviewers"), ({"interviewers": "x"}, "interviewers"),
     ({"application_id": 10**30}, "application_id"), ({"application_id": None}, "application_id")],
)  # fmt: skip
def test_invalid_input_is_a_400_keyed_by_field(api_for, recruiter, application, team, changes, field):
    response = api_for(recruiter).post(INTERVIEWS, body(application, team, **changes))

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Interview.objects.exists()


def test_the_services_rules_answer_by_field(api_for, recruiter, application, team, other_organization):
    stranger = Membership.objects.get(organization=other_organization).user
    inactive = MembershipFactory(organization=application.job.organization, is_active=False).user
    Application.objects.filter(pk=application.pk).update(status=Application.Status.REJECTED)
    client = api_for(recruiter)

    rejected = client.post(INTERVIEWS, body(application, team))
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ACTIVE)
    left = client.post(INTERVIEWS, body(application, [inactive]))
    foreign = client.post(INTERVIEWS, body(application, [stranger]))

    assert rejected.status_code == 400 and rejected.json() == {
        "starts_at": ["This application is rejected: bring it back before scheduling."]
    }
    assert left.status_code == 400 and list(left.json()) == ["interviewers"]
    assert "Not an active member" in left.json()["interviewers"][0]
    assert foreign.status_code == 400
    assert foreign.json() == {"interviewers": [f"No member of the organisation has the id {stranger.pk}."]}
    assert not Interview.objects.exists()


def test_another_organisations_application_is_no_such_application(api_for, recruiter, foreign_interview, team):
    response = api_for(recruiter).post(INTERVIEWS, body(foreign_interview.application, team))

    assert response.status_code == 400
    assert response.json() == {"application_id": ["No such application."]}


@pytest.mark.parametrize("sent", [[], "x", 3, None])
def test_a_body_that_is_not_an_object_is_a_400(api_for, recruiter, interview, sent):
    client = api_for(recruiter)
    raw = json.dumps(sent)

    answers = [client.post(INTERVIEWS, raw, content_type="application/json"),
               client.patch(url(interview), raw, content_type="application/json"),
               client.post(url(interview, "cancel/"), raw, content_type="application/json"),
               client.post(SCORECARDS, raw, content_type="application/json")]  # fmt: skip

    assert [answer.status_code for answer in answers] == [400, 400, 400, 400]


# --- Rescheduling and cancelling --------------------------------------------------------------------


def test_rescheduling_tells_everyone_with_the_same_uid(api_for, recruiter, interview, team):
    response = api_for(recruiter).patch(url(interview), {"starts_at": "2026-06-10T15:00:00Z"})

    assert response.status_code == 200
    assert (response.json()["starts_at"], response.json()["sequence"]) == ("2026-06-10T15:00:00Z", 1)
    interview.refresh_from_db()
    assert (interview.starts_at, interview.title, interview.sequence) == (START + 3 * HOUR, "Final interview", 1)
    update = message_for(interview, 1, "candidate")
    assert update.subject.startswith("Updated: ")
    assert str(only_event(stored_invitation(update))["UID"]) == calendar.uid(interview, calendar.CANDIDATE)


def test_rescheduling_changes_the_panel_and_checks_only_newcomers(api_for, recruiter, owner, interview, team,
                                                                  other_application):  # fmt: skip
    schedule(other_application, [owner], recruiter)  # the owner is busy then
    client = api_for(recruiter)

    refused = client.patch(url(interview), {"interviewers": [team[0].pk, owner.pk]})
    changed = client.patch(url(interview), {"interviewers": [team[0].pk, owner.pk], "ignore_conflicts": True})

    assert refused.status_code == 400 and owner.email in refused.json()["interviewers"][0]
    assert changed.status_code == 200
    assert changed.json()["interviewers"] == [team[0].pk, owner.pk]
    assert set(PanelMember.objects.filter(interview=interview).values_list("user", flat=True)) == {team[0].pk, owner.pk}
    # whoever left the panel gets a cancellation of the panel's event
    assert stored_invitation(message_for(interview, 1, team[1]))["METHOD"] == "CANCEL"


def test_a_reschedule_that_changes_nothing_is_a_400(api_for, recruiter, interview):
    response = api_for(recruiter).patch(url(interview), {"title": "Final interview"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Nothing changed."]}


def test_an_interviewer_cant_reschedule_or_cancel(api_for, interviewer, interview):
    client = api_for(interviewer)

    answers = [client.patch(url(interview), {"title": "Mine"}), client.post(url(interview, "cancel/"), {})]

    assert [answer.status_code for answer in answers] == [403, 403]
    interview.refresh_from_db()
    assert (interview.title, interview.status) == ("Final interview", Interview.Status.SCHEDULED)


def test_cancelling_tells_the_candidate_and_the_panel(api_for, recruiter, interview, team):
    response = api_for(recruiter).post(url(interview, "cancel/"), {"reason": "The role is filled."})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["cancel_reason"] == "The role is filled."
    interview.refresh_from_db()
    assert (interview.status, interview.sequence, interview.cancelled_at) == (Interview.Status.CANCELLED, 1, NOW)
    assert stored_invitation(message_for(interview, 1, "candidate"))["METHOD"] == "CANCEL"
    assert all(stored_invitation(message_for(interview, 1, user))["METHOD"] == "CANCEL" for user in team)


def test_an_interview_that_has_begun_cant_be_cancelled(api_for, recruiter, interview, clock):
    clock.move_to(START + timedelta(minutes=5))

    response = api_for(recruiter).post(url(interview, "cancel/"), {"reason": "Too late"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This interview has begun: it can't be cancelled any more."]}
    assert Interview.objects.get().status == Interview.Status.SCHEDULED


def test_a_cancelled_interview_cant_be_rescheduled(api_for, recruiter, interview):
    client = api_for(recruiter)
    client.post(url(interview, "cancel/"), {})

    response = client.patch(url(interview), {"title": "Back on"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This interview is cancelled."]}


def test_a_long_reason_is_a_400(api_for, recruiter, interview):
    response = api_for(recruiter).post(url(interview, "cancel/"), {"reason": "x" * 301})

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


# --- The calendar file ----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "text/calendar", "*/*"])
def test_the_ics_download_is_the_panels_event(api_for, interviewer, interview, team, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = api_for(interviewer).get(url(interview, "ics/"), **headers)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="interview-{interview.pk}.ics"'
    parsed = icalendar.Calendar.from_ical(response.content)
    event = only_event(parsed)
    assert (parsed["METHOD"], str(event["UID"]), event["SEQUENCE"]) == (
        "REQUEST", calendar.uid(interview, calendar.PANEL), 0,
    )  # fmt: skip
    assert attendees(event) == [user.email for user in team]
    # the candidate's own event (and address) stays the candidate's
    assert b"ada@example.com" not in response.content
    assert calendar.uid(interview, calendar.CANDIDATE).encode() not in response.content


def test_a_cancelled_interviews_ics_is_a_cancellation(api_for, recruiter, interview):
    client = api_for(recruiter)
    client.post(url(interview, "cancel/"), {})

    response = client.get(url(interview, "ics/"))

    assert response.status_code == 200
    parsed = icalendar.Calendar.from_ical(response.content)
    assert (parsed["METHOD"], str(only_event(parsed)["STATUS"]), only_event(parsed)["SEQUENCE"]) == (
        "CANCEL", "CANCELLED", 1,
    )  # fmt: skip


def test_the_ics_download_refuses_a_json_only_accept(api_for, recruiter, interview):
    response = api_for(recruiter).get(url(interview, "ics/"), HTTP_ACCEPT="application/json")

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}


def test_the_ics_downloads_other_answers_are_json(api_for, recruiter, interview):
    client = api_for(recruiter)

    posted = client.post(url(interview, "ics/"), {})
    described = client.options(url(interview, "ics/"))

    assert (posted.status_code, posted["Content-Type"]) == (405, "application/json")
    assert posted.json() == {"detail": 'Method "POST" not allowed.'}
    assert (described.status_code, described["Content-Type"]) == (200, "application/json")
    assert described.json()["name"]


# --- Scorecards -----------------------------------------------------------------------------------


@pytest.fixture
def attributes(job):
    return list(job.scorecard_attributes.all())


@pytest.fixture
def begun(clock):
    clock.move_to(START + HOUR)


def give(interview, author, recommendation="yes", **fields):
    return services.submit_scorecard(interview=interview, author=author, recommendation=recommendation, **fields)


def test_feedback_is_blind_until_one_has_given_ones_own(api_for, interview, team, recruiter, begun):
    hiring_manager, interviewer = team
    theirs = give(interview, hiring_manager, "strong_yes")
    client = api_for(interviewer)

    blind = client.get(SCORECARDS)
    hidden = client.get(f"{SCORECARDS}{theirs.pk}/")
    given = client.post(SCORECARDS, {"interview": interview.pk, "recommendation": "no"})
    seeing = client.get(SCORECARDS)

    assert blind.status_code == 200 and blind.json()["results"] == []
    assert hidden.status_code == 404
    assert given.status_code == 201
    assert [row["author"] for row in seeing.json()["results"]] == [hiring_manager.pk, interviewer.pk]
    assert api_for(recruiter).get(SCORECARDS).json()["count"] == 2


def test_one_sees_ones_own_scorecard_while_blind(api_for, interview, team, begun, application, recruiter):
    hiring_manager, interviewer = team
    second = schedule(application, [interviewer], recruiter, starts_at=START + 2 * HOUR)
    own = give(interview, interviewer)
    give(interview, hiring_manager)  # the interviewer still owes feedback on the second interview

    response = api_for(interviewer).get(SCORECARDS)

    assert second.pk and response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


def test_a_scorecard_is_given_with_ratings_and_reads_back(api_for, interviewer, interview, team, attributes, begun,
                                                          application):  # fmt: skip
    sent = {
        "interview": interview.pk,
        "recommendation": "strong_yes",
        "notes": "Clear thinker.",
        "ratings": [{"attribute": attributes[0].pk, "rating": 5}, {"attribute": attributes[1].pk, "rating": None}],
    }

    response = api_for(interviewer).post(SCORECARDS, sent)

    assert response.status_code == 201
    scorecard = Scorecard.objects.get()
    assert (scorecard.author, scorecard.recommendation, scorecard.notes) == (
        interviewer,
        "strong_yes",
        "Clear thinker.",
    )
    assert scorecard.ratings == [{"attribute": attributes[0].pk, "name": attributes[0].name, "rating": 5}]
    assert response.json() == {
        "id": scorecard.pk, "interview": interview.pk, "application_id": application.pk, "author": interviewer.pk,
        "author_email": interviewer.email, "recommendation": "strong_yes", "notes": "Clear thinker.",
        "ratings": [{"attribute": attributes[0].pk, "name": attributes[0].name, "rating": 5}],
        "submitted_at": "2026-06-10T13:00:00Z", "updated_at": "2026-06-10T13:00:00Z",
    }  # fmt: skip


def test_giving_feedback_again_replaces_it(api_for, interviewer, interview, team, begun):
    first = give(interview, interviewer, "no")

    response = api_for(interviewer).post(SCORECARDS, {"interview": interview.pk, "recommendation": "yes"})

    assert response.status_code == 200
    assert response.json()["id"] == first.pk
    assert Scorecard.objects.get().recommendation == "yes"


def test_feedback_opens_when_the_interview_begins(api_for, interviewer, interview, team):
    response = api_for(interviewer).post(SCORECARDS, {"interview": interview.pk, "recommendation": "yes"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Feedback opens when the interview begins."]}
    assert not Scorecard.objects.exists()


def test_only_the_panel_gives_feedback(api_for, recruiter, interview, begun):
    response = api_for(recruiter).post(SCORECARDS, {"interview": interview.pk, "recommendation": "yes"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the interview's panel gives feedback on it."}
    assert not Scorecard.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [({"recommendation": "maybe"}, "recommendation"), ({"interview": 10**30}, "interview"),
     ({"ratings": [{"attribute": 1, "rating": "x"}]}, "ratings"), ({"ratings": "x"}, "ratings"),
     ({"notes": "x" * 10001}, "notes")],
)  # fmt: skip
def test_invalid_feedback_is_a_400_keyed_by_field(api_for, interviewer, interview, team, begun, changes, field):
    response = api_for(interviewer).post(SCORECARDS, {"interview": interview.pk, "recommendation": "yes"} | changes)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Scorecard.objects.exists()


def test_a_rating_out_of_the_scale_is_the_services_400(api_for, interviewer, interview, team, begun, attributes):
    sent = {"interview": interview.pk, "recommendation": "yes", "ratings": [{"attribute": attributes[0].pk,
                                                                             "rating": 9}]}  # fmt: skip

    response = api_for(interviewer).post(SCORECARDS, sent)

    assert response.status_code == 400
    assert response.json() == {"ratings": [f"{attributes[0].name}: choose a rating from 1 to 5."]}


def test_one_changes_ones_own_scorecard_only(api_for, interviewer, hiring_manager, interview, team, begun,
                                             attributes):  # fmt: skip
    own = give(interview, interviewer, "no", notes="Unsure.", ratings={attributes[0].pk: 2})
    theirs = give(interview, hiring_manager, "yes")

    changed = api_for(interviewer).patch(f"{SCORECARDS}{own.pk}/", {"recommendation": "yes"})
    refused = api_for(interviewer).patch(f"{SCORECARDS}{theirs.pk}/", {"recommendation": "no"})

    assert changed.status_code == 200
    own.refresh_from_db()
    assert (own.recommendation, own.notes, own.ratings[0]["rating"]) == ("yes", "Unsure.", 2)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only its author changes a scorecard."}
    assert Scorecard.objects.get(pk=theirs.pk).recommendation == "yes"


def test_another_organisations_scorecard_is_a_404(api_for, owner, foreign_interview, clock):
    clock.move_to(START + HOUR)
    theirs = give(foreign_interview, foreign_interview.panel.get().user)

    answers = [api_for(owner).get(f"{SCORECARDS}{theirs.pk}/"), api_for(owner).patch(f"{SCORECARDS}{theirs.pk}/", {})]

    assert [answer.status_code for answer in answers] == [404, 404]


def test_a_read_only_key_reads_scorecards_but_gives_none(api_key_for, recruiter, interviewer, interview, team,
                                                         begun):  # fmt: skip
    own = give(interview, interviewer)
    client = api_key_for(member(recruiter), read_only=True)

    read = client.get(SCORECARDS)
    given = client.post(SCORECARDS, {"interview": interview.pk, "recommendation": "no"})
    changed = client.patch(f"{SCORECARDS}{own.pk}/", {"recommendation": "no"})

    assert read.status_code == 200 and read.json()["count"] == 1
    assert (given.status_code, changed.status_code) == (403, 403)
    assert given.json() == {"detail": "This API key is read-only."}
    assert Scorecard.objects.get().recommendation == "yes"


def test_listing_scorecards_costs_the_same_queries_for_many(api_key_for, recruiter, job, stages, team, clock,
                                                            django_assert_max_num_queries):  # fmt: skip
    client = api_key_for(member(recruiter))  # a key: the clock moves past a JWT's lifetime

    def add(count):
        clock.move_to(NOW)
        made = [schedule(ApplicationFactory(job=job, current_stage=stages[0]), team, recruiter) for _ in range(count)]
        clock.move_to(START + HOUR)
        for interview in made:
            for user in team:
                give(interview, user)

    add(1)
    with django_assert_max_num_queries(50) as few:
        assert client.get(SCORECARDS).status_code == 200
    add(6)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SCORECARDS, {"page_size": 50})

    assert response.json()["count"] == 14
