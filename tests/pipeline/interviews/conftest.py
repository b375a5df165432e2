"""Interviews made through the real service, and readers of the invitations they send."""

from datetime import UTC, datetime

import icalendar
import pytest
from django.conf import settings

from accounts.models import Membership
from jobs.models import HiringTeamMember
from mail.models import EmailMessage
from pipeline.interviews import services
from tests.factories import ApplicationFactory, MembershipFactory

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# A fixed clock for the tests that use `clock`: Monday 8 June 2026, 09:00 UTC (11:00 in Berlin).
NOW = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)
# Wednesday 10 June 2026, 12:00 UTC: 14:00 CEST in Berlin, 08:00 EDT in New York.
START = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    """The clock stands at NOW, and moves only when a test moves it (`clock.move_to(...)`)."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def organizer(organization):
    """The recruiter who arranges interviews, in Berlin (the organisation itself is on UTC)."""
    return MembershipFactory(
        organization=organization, role=Membership.Role.RECRUITER, user__name="Olga Organiser",
        user__timezone="Europe/Berlin",
    ).user  # fmt: skip


@pytest.fixture
def team(job, hiring_manager, interviewer):
    """The job's hiring manager and interviewer (by their organisation role and on its hiring team)."""
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    HiringTeamMember.objects.create(job=job, user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)
    return [hiring_manager, interviewer]


@pytest.fixture
def other_application(job, stages):
    """Bo's application to the same job, with no interview."""
    return ApplicationFactory(
        job=job, current_stage=stages[0], candidate__first_name="Bo", candidate__email="bo@example.com"
    )


@pytest.fixture
def schedule(organizer):
    """`schedule(application, interviewers, **changes)`: an interview through services.schedule_interview."""

    def make(application, interviewers, **changes):
        arguments = {
            "starts_at": START, "duration_minutes": 60, "organizer": organizer, "by": organizer,
            "title": "Final interview", "location": "Office",
        }  # fmt: skip
        return services.schedule_interview(application=application, interviewers=interviewers, **arguments | changes)

    return make


def reschedule(interview, *, by, **changes):
    """services.reschedule_interview with the interview's current values, but for `changes`."""
    arguments = {
        "starts_at": interview.starts_at, "duration_minutes": interview.duration_minutes,
        "interviewers": list(interview.interviewers.all()), "title": interview.title, "location": interview.location,
    }  # fmt: skip
    return services.reschedule_interview(interview=interview, by=by, **arguments | changes)


# --- Reading what was sent ---------------------------------------------------------------------


def message_for(interview, sequence, audience):
    """The outbox row for `audience` ("candidate", "reminder", a user) at `sequence`, or None."""
    if not isinstance(audience, str):
        audience = f"user:{audience.pk}"
    return EmailMessage.objects.filter(idempotency_key=f"interview:{interview.pk}:{sequence}:{audience}").first()


def stored_invitation(message):
    """The VEVENT of the invite.ics file an outbox row carries (and checks its two calendar parts agree)."""
    parts = list(message.attachments.all())
    assert [(part.filename, part.as_alternative) for part in parts] == [("invite.ics", True), ("invite.ics", False)]
    assert bytes(parts[0].content) == bytes(parts[1].content)
    assert parts[0].mimetype == parts[1].mimetype
    calendar = icalendar.Calendar.from_ical(bytes(parts[1].content))
    assert parts[1].mimetype == f"text/calendar; method={calendar['METHOD']}"
    return calendar


def only_event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def attendees(event):
    """The attendees' addresses ("mailto:..." stripped), in order."""
    found = event.get("ATTENDEE", [])
    if not isinstance(found, list):
        found = [found]
    return [str(address).removeprefix("mailto:") for address in found]
