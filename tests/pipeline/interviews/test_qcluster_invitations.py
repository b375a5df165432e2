"""Interview invitations through a real `manage.py qcluster` and a real SMTP server (aiosmtpd): the acceptance path.

Moving an application into "Final Interview" (the default stage, with its default meeting action)
makes the worker, once the move's Undo window has passed, schedule the interview for the next
working day at 10:00 and send each invitation
with its calendar event; a reschedule sends the same events with SEQUENCE 1, a cancellation the
same events as CANCEL with SEQUENCE 2. What is checked is what arrived at the SMTP server, parsed
as a calendar would parse it (icalendar).
"""

import time
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from accounts.models import Membership
from ats.bench.processes import stop as stop_process_group
from jobs.models import HiringTeamMember
from pipeline.applications.services import move_application
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from pipeline.interviews.models import Interview
from pipeline.interviews.services import cancel_interview, reschedule_interview
from tests.factories import ApplicationFactory, MembershipFactory, OrganizationFactory, make_job
from tests.mail.conftest import cluster_client, smtp_server, start_cluster  # noqa: F401 (fixtures)

from .conftest import attendees, only_event

# Per wait: the worker's ORM broker polls about once a second, and each step is a few tasks.
DEADLINE_SECONDS = 30
CANDIDATE = "ada@example.com"


def wait_for(condition, what):
    """Bounded polling of the SMTP server the worker sends to (never a fixed sleep)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"The worker did not {what} within {DEADLINE_SECONDS}s")


def invitations(smtp_server, address, sequence):  # noqa: F811
    """[(message, calendar)] of the messages `address` received with an invite.ics whose event has `sequence`."""
    found = []
    for message in smtp_server.messages():
        if message["To"] != address:
            continue
        files = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
        if not files:
            continue  # a notification email, not an invitation
        [ics] = files
        calendar = icalendar.Calendar.from_ical(ics.get_content())
        if only_event(calendar)["SEQUENCE"] == sequence:
            found.append((message, calendar))
    return found


def all_arrived(smtp_server, addresses, sequence):  # noqa: F811
    return all(invitations(smtp_server, address, sequence) for address in addresses)


def the_invitation(smtp_server, address, sequence, method):  # noqa: F811
    """The one message with `sequence` to `address`, checked as a calendar client reads it; its VEVENT."""
    [(message, calendar)] = invitations(smtp_server, address, sequence)
    assert message.get_content_type() == "multipart/mixed"
    [alternative] = [part for part in message.walk() if part.get_content_type() == "multipart/alternative"]
    kinds = [part.get_content_type() for part in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == method
    assert calendar_part["Content-Disposition"] is None  # shown as the invitation, not as a file
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == method
    assert calendar_part.get_content() == ics.get_content()  # the same event, twice

    assert calendar["METHOD"] == method
    assert calendar["VERSION"] == "2.0"
    event = only_event(calendar)
    start = event["DTSTART"]
    zone = start.params.get("TZID")
    if zone is None:
        assert start.dt.utcoffset() == timedelta(0)  # UTC ("...Z")
    else:
        assert zone in [str(timezone["TZID"]) for timezone in calendar.walk("VTIMEZONE")]
    assert event["DTEND"].dt - start.dt == timedelta(minutes=60)
    assert str(event["UID"])
    assert event["SEQUENCE"] == sequence
    assert str(event["ORGANIZER"]).startswith("mailto:")
    found = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert found and all(attendee.params["RSVP"] == "TRUE" for attendee in found)
    assert event["STATUS"] == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
    return event


@pytest.mark.django_db(transaction=True)
def test_invitations_updates_and_cancellations_reach_everyone_as_one_event(
    smtp_server,  # noqa: F811
    cluster_client,  # noqa: F811
    tmp_path,
):
    began = time.monotonic()
    organization = OrganizationFactory(name="Acme Corp", timezone="Europe/Berlin")
    recruiter = MembershipFactory(organization=organization, role="recruiter", user__name="Rita Recruiter").user
    manager = MembershipFactory(organization=organization, role="hiring_manager", user__name="Hal Manager").user
    # An interviewer by role, who sees nothing until the meeting action puts her on the panel.
    ivy = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER, user__name="Ivy Interviewer")
    ivy = ivy.user
    job = make_job(organization, title="Data Engineer", created_by=recruiter)
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    HiringTeamMember.objects.create(job=job, user=ivy, role=HiringTeamMember.Role.INTERVIEWER)
    stages = {stage.name: stage for stage in job.stages.all()}
    ada = ApplicationFactory(
        job=job, current_stage=stages["Application Received"], candidate__first_name="Ada", candidate__email=CANDIDATE
    )
    panel = [manager.email, ivy.email]
    everyone = [CANDIDATE, *panel]
    timings = {}

    process = start_cluster(smtp_server, tmp_path / "qcluster.log", workers=1)
    try:
        # Into Final Interview, as the board moves it: the worker schedules it and sends the invitations.
        started = time.monotonic()
        move_application(application=ada, to_stage=stages["Final Interview"], by=recruiter)
        # A person's move writes to the candidate once its Undo window has passed: the sweeper (called
        # here with its clock a minute ahead, so nothing sleeps for it) hands the run to the worker.
        run = ActionRun.objects.get(application=ada, action__stage=stages["Final Interview"])
        assert run.status == ActionRun.Status.PENDING
        assert runner.sweep(now=timezone.now() + timedelta(minutes=1)) == 1
        wait_for(lambda: all_arrived(smtp_server, everyone, 0), "send the three invitations")
        timings["invitations"] = time.monotonic() - started

        interview = Interview.objects.get(application=ada)
        run.refresh_from_db()
        assert run.status == ActionRun.Status.DONE
        assert (interview.time_zone, interview.organizer, interview.sequence) == ("Europe/Berlin", recruiter, 0)
        candidates = the_invitation(smtp_server, CANDIDATE, 0, "REQUEST")
        panels = [the_invitation(smtp_server, address, 0, "REQUEST") for address in panel]
        # The interview's instant, in Berlin, at 10:00 (DTSTART names Europe/Berlin with its VTIMEZONE).
        assert candidates["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert candidates["DTSTART"].dt == interview.starts_at
        assert (candidates["DTSTART"].dt.hour, candidates["DTSTART"].dt.minute) == (10, 0)
        assert str(candidates["ORGANIZER"]) == f"mailto:{recruiter.email}"
        # Two events: the candidate's lists only the candidate; the panel's (one UID for the panel) lists the panel.
        candidate_uid, panel_uid = str(candidates["UID"]), str(panels[0]["UID"])
        assert candidate_uid != panel_uid
        assert {str(event["UID"]) for event in panels} == {panel_uid}
        assert attendees(candidates) == [CANDIDATE]
        assert all(sorted(attendees(event)) == sorted(panel) for event in panels)

        # Rescheduled a day later: the same events, SEQUENCE 1, to all three.
        started = time.monotonic()
        new_start = interview.starts_at + timedelta(days=1)
        reschedule_interview(
            interview=interview, by=recruiter, starts_at=new_start, duration_minutes=60,
            interviewers=[manager, ivy], title=interview.title, location=interview.location,
        )  # fmt: skip
        wait_for(lambda: all_arrived(smtp_server, everyone, 1), "send the three updates")
        timings["updates"] = time.monotonic() - started
        updates = {address: the_invitation(smtp_server, address, 1, "REQUEST") for address in everyone}
        assert str(updates[CANDIDATE]["UID"]) == candidate_uid
        assert {str(updates[address]["UID"]) for address in panel} == {panel_uid}
        assert all(event["DTSTART"].dt == new_start for event in updates.values())
        assert attendees(updates[CANDIDATE]) == [CANDIDATE]

        # Cancelled: the same events as CANCEL, STATUS:CANCELLED, SEQUENCE 2.
        started = time.monotonic()
        cancel_interview(interview=interview, by=recruiter, reason="The role is filled")
        wait_for(lambda: all_arrived(smtp_server, everyone, 2), "send the three cancellations")
        timings["cancellations"] = time.monotonic() - started
        cancellations = {address: the_invitation(smtp_server, address, 2, "CANCEL") for address in everyone}
        assert str(cancellations[CANDIDATE]["UID"]) == candidate_uid
        assert {str(cancellations[address]["UID"]) for address in panel} == {panel_uid}
        assert attendees(cancellations[CANDIDATE]) == [CANDIDATE]

        # One invitation, one update and one cancellation each: nothing went twice.
        for address in everyone:
            sequences = [len(invitations(smtp_server, address, sequence)) for sequence in (0, 1, 2)]
            assert sequences == [1, 1, 1], address
    finally:
        stop_process_group(process)
        timings["total"] = time.monotonic() - began
        print("timings (s):", {name: round(seconds, 1) for name, seconds in timings.items()})
        print((tmp_path / "qcluster.log").read_text(errors="replace"))  # shown when the test fails
