"""pipeline.interviews.services and .jobs: scheduling, conflicts, rescheduling, cancelling, scorecards,
and the sweeps (reminder, feedback requests), with real rows, real outbox messages and a fixed clock."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from jobs.models import ScorecardAttribute
from mail.models import EmailMessage
from notifications.models import Category, Notification
from pipeline.applications.services import reject_application
from pipeline.interviews import jobs
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.interviews.services import cancel_interview, find_conflicts, submit_scorecard
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, make_job

from .conftest import (
    NOW,
    START,
    attendees,
    message_for,
    only_event,
    reschedule,
    stored_invitation,
)

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def interview(clock, application, team, schedule, django_capture_on_commit_callbacks):
    """Ada's final interview on Wednesday 10 June 2026 at 12:00 UTC, with the job's hiring manager and
    interviewer; its invitations sent, the panel told."""
    with django_capture_on_commit_callbacks(execute=True):
        made = schedule(application, team)
    return made


def interview_messages(interview):
    return EmailMessage.objects.filter(idempotency_key__startswith=f"interview:{interview.pk}:")


def scheduled_notices(user):
    return Notification.objects.filter(recipient=user, category=Category.INTERVIEW_SCHEDULED)


def feedback_notices(user):
    return list(
        Notification.objects.filter(recipient=user, category=Category.FEEDBACK_REQUESTED)
        .order_by("pk")
        .values_list("title", flat=True)
    )


# --- Scheduling ---------------------------------------------------------------------------------


def test_scheduling_writes_the_interview_and_its_panel(interview, organizer, team):
    interview = Interview.objects.get(pk=interview.pk)
    assert (interview.starts_at, interview.ends_at, interview.duration_minutes) == (START, START + HOUR, 60)
    assert (interview.title, interview.location, interview.time_zone) == ("Final interview", "Office", "Europe/Berlin")
    assert (interview.status, interview.sequence, interview.key) == (Interview.Status.SCHEDULED, 0, None)
    assert (interview.organizer, interview.created_by, interview.scheduled_at) == (organizer, organizer, NOW)
    assert [seat.user for seat in interview.panel.all()] == team
    assert interview.is_upcoming and not interview.has_started


def test_the_candidates_invitation_speaks_the_organisers_zone(interview, application, organizer):
    message = message_for(interview, 0, "candidate")

    # 12:00 UTC is 14:00 in the organiser's Berlin (the organisation itself is on UTC).
    assert message.to == ["ada@example.com"]
    assert message.subject == "Interview for Backend Engineer, Wednesday 10 June 2026"
    assert "Wednesday 10 June 2026 at 14:00 CEST (Office)" in message.text_body
    assert "14:00 CEST" in message.html_body
    assert "Olga Organiser" in message.text_body  # signed by the organiser, who gets the replies
    assert (message.reply_to, message.sent_by, message.object_id) == (organizer.email, organizer, application.pk)
    assert message.status == EmailMessage.Status.SENT
    calendar = stored_invitation(message)
    event = only_event(calendar)
    assert calendar["METHOD"] == "REQUEST"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert (event["DTSTART"].dt, event["DTSTART"].dt.hour) == (START, 14)
    assert event["DTEND"].dt == START + HOUR
    assert str(event["UID"]).startswith(f"candidate-{interview.uid}@")
    assert (event["SEQUENCE"], str(event["STATUS"]), str(event["LOCATION"])) == (0, "CONFIRMED", "Office")
    assert str(event["ORGANIZER"]) == f"mailto:{organizer.email}"
    assert attendees(event) == ["ada@example.com"]
    assert [timezone["TZID"] for timezone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_each_of_the_panel_gets_the_panels_event_in_their_own_zone(
    clock, application, team, schedule, hiring_manager, interviewer
):
    hiring_manager.timezone = "America/New_York"
    hiring_manager.save()

    made = schedule(application, team)

    # The hiring manager's own zone; the interviewer has none, so the organisation's (UTC).
    for user, when in ((hiring_manager, "08:00 EDT"), (interviewer, "12:00 UTC")):
        message = message_for(made, 0, user)
        assert message.to == [user.email]
        assert message.subject == "Interview: Ada Example for Backend Engineer, Wednesday 10 June 2026"
        assert f"on Wednesday 10 June 2026 at {when} (Office)" in message.text_body
        assert f"/interviews/{made.pk}/" in message.text_body
    events = [only_event(stored_invitation(message_for(made, 0, user))) for user in team]
    [uid] = {str(event["UID"]) for event in events}
    assert uid.startswith(f"panel-{made.uid}@")
    assert uid != str(only_event(stored_invitation(message_for(made, 0, "candidate")))["UID"])
    assert all(sorted(attendees(event)) == sorted(user.email for user in team) for event in events)
    assert all(str(event["URL"]).endswith(f"/interviews/{made.pk}/") for event in events)
    assert interview_messages(made).count() == 3


def test_the_panel_hears_of_it_in_the_app(interview, organizer, hiring_manager, interviewer):
    for user in (hiring_manager, interviewer):
        [notice] = scheduled_notices(user)
        assert (notice.title, notice.body, notice.actor) == (
            "Final interview with Ada Example", "Wednesday 10 June 2026, 12:00 UTC", organizer,
        )  # fmt: skip
        assert notice.url == f"/interviews/{interview.pk}/"
    assert not scheduled_notices(organizer).exists()  # the organiser arranged it, and is not on the panel


def test_notify_scheduled_tells_only_those_still_on_the_panel(clock, application, schedule, hiring_manager, recruiter):
    made = schedule(application, [hiring_manager])  # its on-commit task not run: called by hand below

    jobs.notify_scheduled(made.pk, [hiring_manager.pk, recruiter.pk])

    assert scheduled_notices(hiring_manager).count() == 1
    assert not scheduled_notices(recruiter).exists()
    jobs.notify_scheduled(made.pk, [hiring_manager.pk])  # a retried task
    assert scheduled_notices(hiring_manager).count() == 1


def test_a_key_makes_the_interview_once(clock, application, team, schedule):
    first = schedule(application, team, key="action-run:7")
    messages = interview_messages(first).count()

    again = schedule(application, team, key="action-run:7", starts_at=START + DAY)

    assert again == first
    assert (Interview.objects.count(), PanelMember.objects.count(), messages) == (1, 2, 3)
    assert interview_messages(first).count() == messages
    assert Interview.objects.get().starts_at == START


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"duration_minutes": 0}, "duration_minutes", "An interview lasts between 5 minutes and 8 hours."),
        ({"duration_minutes": 8 * 60 + 1}, "duration_minutes", "An interview lasts between 5 minutes and 8 hours."),
        ({"title": " \t "}, "title", "Give the interview a title."),
        ({"starts_at": None}, "starts_at", "Give a date and time."),
        ({"starts_at": START.replace(tzinfo=None)}, "starts_at", "Give a date and time."),
        ({"location": "x" * 301}, "location", "At most 300 characters."),
    ],
    ids=["no-duration", "too-long", "no-title", "no-time", "naive-time", "long-place"],
)
def test_a_wrong_value_is_refused_by_field(clock, application, team, schedule, changes, field, error):
    with pytest.raises(ValidationError) as raised:
        schedule(application, team, **changes)

    assert raised.value.message_dict == {field: [error]}
    assert not Interview.objects.exists()
    assert not EmailMessage.objects.exists()


def test_an_interviewer_outside_the_organisation_is_refused(
    clock, application, team, schedule, other_organization, organization
):
    stranger = UserFactory(name="Sam Stranger")
    elsewhere = MembershipFactory(organization=other_organization, user__name="Gil Globex").user
    gone = MembershipFactory(organization=organization, is_active=False, user__name="Fay Former").user

    with pytest.raises(ValidationError) as raised:
        schedule(application, [*team, stranger, elsewhere, gone])

    assert raised.value.message_dict == {
        "interviewers": ["Not an active member of the organisation: Sam Stranger, Gil Globex, Fay Former."]
    }
    assert not Interview.objects.exists()


def test_a_rejected_application_is_not_interviewed(clock, application, team, schedule, recruiter):
    reject_application(application=application, reason="Not a fit", by=recruiter)

    with pytest.raises(ValidationError) as raised:
        schedule(application, team)

    assert raised.value.message_dict == {
        "starts_at": ["This application is rejected: bring it back before scheduling."]
    }
    assert not Interview.objects.exists()


# --- Conflicts ----------------------------------------------------------------------------------


def test_an_overlapping_interview_is_a_conflict_and_back_to_back_is_not(clock, application, interviewer, schedule):
    booked = schedule(application, [interviewer])  # 12:00 to 13:00 UTC
    organization = application.job.organization

    def conflicts(start, end, **kwargs):
        return find_conflicts(organization=organization, users=[interviewer], starts_at=start, ends_at=end, **kwargs)

    assert conflicts(START + 30 * MINUTE, START + 90 * MINUTE) == {interviewer: [booked]}
    assert conflicts(START - 30 * MINUTE, START + 1 * MINUTE) == {interviewer: [booked]}
    assert conflicts(START + HOUR, START + 2 * HOUR) == {}  # starts as it ends
    assert conflicts(START - HOUR, START) == {}  # ends as it starts
    assert conflicts(START, START + HOUR, exclude=booked) == {}  # itself, when it is the one being moved


def test_a_cancelled_interview_is_no_conflict(clock, application, interviewer, schedule):
    booked = schedule(application, [interviewer])
    organization = application.job.organization
    window = {"organization": organization, "users": [interviewer], "starts_at": START, "ends_at": START + HOUR}
    assert find_conflicts(**window) == {interviewer: [booked]}

    cancel_interview(interview=booked, by=None)

    assert find_conflicts(**window) == {}


def test_another_organisations_interview_is_no_conflict(
    clock, application, interviewer, schedule, organization, other_organization
):
    # The same person works for both organisations; each sees only its own calendar.
    MembershipFactory(organization=other_organization, user=interviewer, role=Membership.Role.INTERVIEWER)
    there = ApplicationFactory(job=make_job(other_organization))
    theirs = schedule(there, [interviewer], organizer=None)
    window = {"users": [interviewer], "starts_at": START, "ends_at": START + HOUR}

    assert find_conflicts(organization=organization, **window) == {}
    assert find_conflicts(organization=other_organization, **window) == {interviewer: [theirs]}


# --- Rescheduling -------------------------------------------------------------------------------


def test_a_new_time_is_the_same_events_with_the_next_sequence(clock, interview, organizer, team):
    Interview.objects.filter(pk=interview.pk).update(reminder_sent_at=NOW)
    clock.shift(HOUR)

    reschedule(interview, by=organizer, starts_at=START + DAY)

    interview.refresh_from_db()
    assert (interview.sequence, interview.starts_at, interview.ends_at) == (1, START + DAY, START + DAY + HOUR)
    assert (interview.scheduled_at, interview.reminder_sent_at) == (NOW + HOUR, None)  # a new reminder is owed
    update = message_for(interview, 1, "candidate")
    assert update.subject == "Updated: Interview for Backend Engineer, Thursday 11 June 2026"
    for audience in ("candidate", *team):
        before = only_event(stored_invitation(message_for(interview, 0, audience)))
        after = only_event(stored_invitation(message_for(interview, 1, audience)))
        assert str(after["UID"]) == str(before["UID"])
        assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
        assert after["DTSTART"].dt == START + DAY
        assert str(after["STATUS"]) == "CONFIRMED"


def test_a_panel_change_cancels_for_who_left_and_invites_who_joined(
    clock, interview, organizer, hiring_manager, interviewer, organization, django_capture_on_commit_callbacks
):
    newcomer = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user

    with django_capture_on_commit_callbacks(execute=True):
        reschedule(interview, by=organizer, interviewers=[hiring_manager, newcomer])

    interview.refresh_from_db()
    assert interview.sequence == 1
    assert [seat.user for seat in interview.panel.all()] == [hiring_manager, newcomer]
    # Who left: the panel's event, cancelled for them alone (no STATUS: the event goes on, RFC 5546 3.2.5).
    left = message_for(interview, 1, interviewer)
    assert left.subject == "Cancelled: interview with Ada Example, Wednesday 10 June 2026"
    calendar = stored_invitation(left)
    event = only_event(calendar)
    assert (calendar["METHOD"], event["SEQUENCE"], "STATUS" in event) == ("CANCEL", 1, False)
    assert attendees(event) == [interviewer.email]
    # Who joined, and who stayed: the event as it now stands.
    for user in (newcomer, hiring_manager):
        calendar = stored_invitation(message_for(interview, 1, user))
        assert calendar["METHOD"] == "REQUEST"
        assert sorted(attendees(only_event(calendar))) == sorted([hiring_manager.email, newcomer.email])
    assert message_for(interview, 1, newcomer).subject.startswith("Interview: Ada Example")
    # Nothing the candidate's calendar holds changed: no update for them.
    assert message_for(interview, 1, "candidate") is None
    assert message_for(interview, 0, "candidate") is not None
    # Only the newcomer hears of it in the app; the hiring manager was told at scheduling.
    assert scheduled_notices(newcomer).count() == 1
    assert scheduled_notices(hiring_manager).count() == 1


def test_nothing_changed_is_refused(interview, organizer):
    with pytest.raises(ValidationError) as raised:
        reschedule(interview, by=organizer, title="  Final   interview ")  # the same title, spaced out

    assert raised.value.messages == ["Nothing changed."]
    interview.refresh_from_db()
    assert interview.sequence == 0
    assert message_for(interview, 1, "candidate") is None


def test_a_cancelled_interview_is_not_rescheduled(interview, organizer):
    cancel_interview(interview=interview, by=organizer)

    with pytest.raises(ValidationError) as raised:
        reschedule(interview, by=organizer, starts_at=START + DAY)

    assert raised.value.messages == ["This interview is cancelled."]
    interview.refresh_from_db()
    assert (interview.sequence, interview.starts_at) == (1, START)


# --- Cancelling ---------------------------------------------------------------------------------


def test_cancelling_sends_the_same_events_as_cancelled(clock, interview, organizer, team):
    clock.shift(HOUR)

    cancel_interview(interview=interview, by=organizer, reason="  The role\n is filled ")

    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == (Interview.Status.CANCELLED, 1)
    assert (interview.cancelled_at, interview.cancel_reason) == (NOW + HOUR, "The role is filled")
    assert not interview.is_upcoming
    message = message_for(interview, 1, "candidate")
    assert message.subject == "Cancelled: interview for Backend Engineer, Wednesday 10 June 2026"
    assert "14:00 CEST is cancelled" in message.text_body
    for audience in ("candidate", *team):
        before = only_event(stored_invitation(message_for(interview, 0, audience)))
        calendar = stored_invitation(message_for(interview, 1, audience))
        after = only_event(calendar)
        assert (calendar["METHOD"], str(after["STATUS"]), after["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)
        assert str(after["UID"]) == str(before["UID"])


def test_an_interview_that_has_begun_is_not_cancelled(clock, interview, organizer):
    # It took place: its panel owes feedback (and the blind rule waits for it).
    clock.move_to(START + 2 * HOUR)
    messages = interview_messages(interview).count()

    with pytest.raises(ValidationError) as raised:
        cancel_interview(interview=interview, by=organizer, reason="Recorded by mistake")

    assert raised.value.messages == ["This interview has begun: it can't be cancelled any more."]
    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == (Interview.Status.SCHEDULED, 0)
    assert interview_messages(interview).count() == messages == 3


def test_rejecting_cancels_the_interviews_still_to_come(
    clock, application, other_application, team, schedule, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held = schedule(application, team)  # Wednesday 12:00: over by the time of the rejection
        coming = schedule(application, team, starts_at=START + 3 * DAY)
        bos = schedule(other_application, team, starts_at=START + 3 * DAY)
    clock.move_to(START + 2 * HOUR)

    with django_capture_on_commit_callbacks(execute=True):
        reject_application(application=application, reason="Not a fit", by=recruiter)

    coming.refresh_from_db()
    assert (coming.status, coming.sequence, coming.cancel_reason) == (
        Interview.Status.CANCELLED, 1, "Rejected: Not a fit.",
    )  # fmt: skip
    # The panel's calendars lose it; the candidate hears of the decision itself, not from a cancellation first.
    assert stored_invitation(message_for(coming, 1, team[0]))["METHOD"] == "CANCEL"
    assert message_for(coming, 1, "candidate") is None
    held.refresh_from_db()
    bos.refresh_from_db()
    assert (held.status, held.sequence, bos.status) == (Interview.Status.SCHEDULED, 0, Interview.Status.SCHEDULED)
    assert message_for(held, 1, "candidate") is None


# --- Scorecards ---------------------------------------------------------------------------------


@pytest.fixture
def attributes(job):
    """The job's scorecard attributes (a new job's defaults), in order."""
    found = list(job.scorecard_attributes.all())
    assert len(found) == 5
    return found


def test_a_panel_member_submits_a_scorecard_once_it_has_begun(clock, interview, interviewer, attributes):
    clock.move_to(START)

    scorecard = submit_scorecard(
        interview=interview, author=interviewer, recommendation="yes", notes="  Clear on caching.  ",
        ratings={attributes[2].pk: "4", attributes[0].pk: 5, attributes[1].pk: None, attributes[3].pk: ""},
    )  # fmt: skip

    scorecard.refresh_from_db()
    assert (scorecard.author, scorecard.recommendation, scorecard.notes) == (interviewer, "yes", "Clear on caching.")
    # In the job's order, the unrated left out, each with the name it had when rated.
    assert scorecard.ratings == [
        {"attribute": attributes[0].pk, "name": attributes[0].name, "rating": 5},
        {"attribute": attributes[2].pk, "name": attributes[2].name, "rating": 4},
    ]


def test_feedback_opens_when_the_interview_begins(clock, interview, interviewer):
    clock.move_to(START - MINUTE)
    with pytest.raises(ValidationError) as raised:
        submit_scorecard(interview=interview, author=interviewer, recommendation="yes")
    assert raised.value.messages == ["Feedback opens when the interview begins."]
    assert not Scorecard.objects.exists()

    clock.move_to(START)
    submit_scorecard(interview=interview, author=interviewer, recommendation="yes")
    assert Scorecard.objects.get().author == interviewer


def test_only_the_panel_gives_feedback(clock, interview, interviewer, organizer, recruiter):
    clock.move_to(START + HOUR)

    for outsider in (organizer, recruiter):
        with pytest.raises(ValidationError) as raised:
            submit_scorecard(interview=interview, author=outsider, recommendation="yes")
        assert raised.value.messages == ["Only the interview's panel gives feedback on it."]
    submit_scorecard(interview=interview, author=interviewer, recommendation="no")

    assert list(Scorecard.objects.values_list("author", "recommendation")) == [(interviewer.pk, "no")]


def test_a_cancelled_interview_takes_no_feedback(clock, interview, interviewer, organizer):
    cancel_interview(interview=interview, by=organizer)
    clock.move_to(START + HOUR)

    with pytest.raises(ValidationError) as raised:
        submit_scorecard(interview=interview, author=interviewer, recommendation="yes")

    assert raised.value.messages == ["This interview was cancelled: there is no feedback to give."]
    assert not Scorecard.objects.exists()


def test_ratings_and_recommendation_are_checked(clock, interview, interviewer, attributes):
    clock.move_to(START + HOUR)

    with pytest.raises(ValidationError) as raised:
        submit_scorecard(
            interview=interview, author=interviewer, recommendation="maybe",
            ratings={attributes[0].pk: 6, attributes[1].pk: "great", attributes[2].pk: 0, attributes[3].pk: 3},
        )  # fmt: skip

    assert raised.value.message_dict == {
        "recommendation": ["Choose a recommendation."],
        "ratings": [f"{attribute.name}: choose a rating from 1 to 5." for attribute in attributes[:3]],
    }
    assert not Scorecard.objects.exists()


def test_another_jobs_attribute_is_not_rated(clock, interview, interviewer, attributes, organization):
    elsewhere = ScorecardAttribute.objects.filter(job=make_job(organization)).first()
    clock.move_to(START + HOUR)

    scorecard = submit_scorecard(
        interview=interview, author=interviewer, recommendation="yes",
        ratings={elsewhere.pk: 5, attributes[4].pk: 3},
    )  # fmt: skip

    assert scorecard.ratings == [{"attribute": attributes[4].pk, "name": attributes[4].name, "rating": 3}]


def test_a_second_submission_replaces_the_first(clock, interview, interviewer, attributes):
    clock.move_to(START + HOUR)
    first = submit_scorecard(
        interview=interview, author=interviewer, recommendation="yes", notes="Good", ratings={attributes[0].pk: 4}
    )
    attributes[0].name = "Skills (renamed)"
    attributes[0].save()

    second = submit_scorecard(
        interview=interview, author=interviewer, recommendation="strong_no", notes="On reflection, no",
        ratings={attributes[1].pk: 2},
    )  # fmt: skip

    assert second.pk == first.pk
    assert list(Scorecard.objects.values_list("recommendation", "notes")) == [("strong_no", "On reflection, no")]
    assert Scorecard.objects.get().ratings == [{"attribute": attributes[1].pk, "name": attributes[1].name, "rating": 2}]


# --- The sweep: reminders and feedback requests -------------------------------------------------


def test_the_candidate_is_reminded_once_a_day_before(clock, application, other_application, team, schedule):
    # Arranged three days ahead: reminded. Arranged 31 hours ahead (under 36): the invitation was reminder enough.
    ahead = schedule(application, team, starts_at=NOW + 3 * DAY)
    clock.move_to(NOW + 3 * DAY - 30 * HOUR)
    late = schedule(other_application, team, starts_at=NOW + 3 * DAY + HOUR)

    clock.move_to(NOW + 3 * DAY - 25 * HOUR)
    assert jobs.sweep() == 0
    assert message_for(ahead, 0, "reminder") is None

    clock.move_to(NOW + 3 * DAY - 23 * HOUR)
    assert jobs.sweep() == 1
    reminder = message_for(ahead, 0, "reminder")
    assert reminder.to == ["ada@example.com"]
    assert reminder.subject == "Reminder: interview on Thursday 11 June 2026"
    assert "Thursday 11 June 2026 at 11:00 CEST: Office" in reminder.text_body
    assert not reminder.attachments.exists()  # their calendar has the event already
    assert message_for(late, 0, "reminder") is None
    ahead.refresh_from_db()
    late.refresh_from_db()
    assert ahead.reminder_sent_at == late.reminder_sent_at == NOW + 3 * DAY - 23 * HOUR  # both considered, once

    clock.shift(HOUR)
    assert jobs.sweep() == 0
    assert EmailMessage.objects.filter(idempotency_key__endswith=":reminder").count() == 1


def test_the_panel_is_asked_for_feedback_after_the_end_then_once_more_when_overdue(
    clock, interview, hiring_manager, interviewer, organizer
):
    clock.move_to(START + 59 * MINUTE)
    assert jobs.sweep() == 0
    assert feedback_notices(interviewer) == []

    clock.move_to(START + HOUR)  # the end
    submit_scorecard(interview=interview, author=hiring_manager, recommendation="yes")
    assert jobs.sweep() == 1
    assert jobs.sweep() == 0
    assert feedback_notices(interviewer) == ["Your feedback on Ada Example (Final interview)"]
    assert feedback_notices(hiring_manager) == []  # gave it already

    clock.move_to(START + HOUR + 24 * HOUR - MINUTE)
    assert jobs.sweep() == 0
    clock.move_to(START + HOUR + 24 * HOUR)
    assert jobs.sweep() == 1
    assert jobs.sweep() == 0
    assert feedback_notices(interviewer) == [
        "Your feedback on Ada Example (Final interview)",
        "Overdue: your feedback on Ada Example (Final interview)",
    ]
    assert feedback_notices(hiring_manager) == []
    assert feedback_notices(organizer) == []


def test_feedback_found_owed_only_once_overdue_is_asked_for_once(clock, interview, interviewer):
    # The sweeper was off for days: one request (the overdue one), not a request and a reminder at once.
    clock.move_to(START + 3 * DAY)

    assert jobs.sweep() == 1
    assert jobs.sweep() == 0
    assert feedback_notices(interviewer) == ["Overdue: your feedback on Ada Example (Final interview)"]


def test_a_former_members_scorecard_leaves_the_others_asked(clock, interview, hiring_manager, interviewer):
    # A scorecard whose author was deleted (author NULL) must not hide who still owes theirs.
    clock.move_to(START + 30 * MINUTE)
    submit_scorecard(interview=interview, author=hiring_manager, recommendation="yes")
    Scorecard.objects.filter(interview=interview).update(author=None)

    clock.move_to(START + HOUR)
    assert jobs.sweep() == 1
    assert feedback_notices(interviewer) == ["Your feedback on Ada Example (Final interview)"]


def test_no_feedback_request_when_everyone_gave_theirs(clock, interview, hiring_manager, interviewer):
    clock.move_to(START + 30 * MINUTE)
    for user in (hiring_manager, interviewer):
        submit_scorecard(interview=interview, author=user, recommendation="yes")

    clock.move_to(START + 3 * DAY)
    assert jobs.sweep() == 0

    interview.refresh_from_db()
    assert interview.feedback_requested_at == interview.feedback_reminded_at == START + 3 * DAY  # considered
    assert not Notification.objects.filter(category=Category.FEEDBACK_REQUESTED).exists()
