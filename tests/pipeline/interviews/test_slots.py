"""A meeting action's slot rule, "next working day at 10:00": the day and the hour are the organiser's
own (pipeline.interviews.slots), whatever the clock says in UTC and whatever DST does in between."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from mail.models import EmailMessage
from pipeline.applications.services import UNDO_WINDOW, move_application
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from pipeline.automation.services import retry_run
from pipeline.interviews.models import Interview, PanelMember
from pipeline.interviews.slots import next_working_day_at, organizer_zone
from tests.factories import MembershipFactory

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def at(zone, *fields):
    return datetime(*fields, tzinfo=zone)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Friday afternoon: Monday.
        (at(BERLIN, 2026, 6, 12, 15, 30), at(BERLIN, 2026, 6, 15, 10)),
        # Saturday and Sunday: Monday.
        (at(BERLIN, 2026, 6, 13, 11, 0), at(BERLIN, 2026, 6, 15, 10)),
        (at(BERLIN, 2026, 6, 14, 20, 0), at(BERLIN, 2026, 6, 15, 10)),
        # Monday 09:00, before 10:00 that same day: still the next day.
        (at(BERLIN, 2026, 6, 15, 9, 0), at(BERLIN, 2026, 6, 16, 10)),
        # Thursday evening: Friday.
        (at(BERLIN, 2026, 6, 11, 21, 0), at(BERLIN, 2026, 6, 12, 10)),
    ],
    ids=["friday-afternoon", "saturday", "sunday", "monday-morning", "thursday-evening"],
)
def test_the_next_working_day_at_ten(now, expected):
    with time_machine.travel(now, tick=False):
        slot = next_working_day_at(BERLIN)

    assert slot == expected
    assert (slot.tzinfo, slot.hour, slot.minute) == (BERLIN, 10, 0)


@pytest.mark.parametrize(
    ("zone", "now", "expected_utc", "offset_hours"),
    [
        # Spring forward on Sunday 29 March: Friday in CET (UTC+1), Monday 10:00 CEST (UTC+2) = 08:00 UTC.
        (BERLIN, at(BERLIN, 2026, 3, 27, 14, 0), datetime(2026, 3, 30, 8, 0, tzinfo=UTC), 2),
        # Fall back on Sunday 25 October: Friday in CEST, Monday 10:00 CET = 09:00 UTC.
        (BERLIN, at(BERLIN, 2026, 10, 23, 14, 0), datetime(2026, 10, 26, 9, 0, tzinfo=UTC), 1),
        # New York springs forward on Sunday 8 March: Friday in EST (UTC-5), Monday 10:00 EDT = 14:00 UTC.
        (NEW_YORK, at(NEW_YORK, 2026, 3, 6, 14, 0), datetime(2026, 3, 9, 14, 0, tzinfo=UTC), -4),
    ],
    ids=["berlin-spring", "berlin-autumn", "new-york-spring"],
)
def test_a_dst_change_keeps_ten_on_the_clock_and_moves_the_instant(zone, now, expected_utc, offset_hours):
    with time_machine.travel(now, tick=False):
        slot = next_working_day_at(zone)

    assert slot.astimezone(UTC) == expected_utc
    assert (slot.astimezone(zone).hour, slot.utcoffset().total_seconds() / 3600) == (10, offset_hours)
    # Before the change the same wall time was another instant: the offset did change in between.
    assert now.utcoffset() != slot.utcoffset()


def test_late_evening_in_los_angeles_is_already_tomorrow_in_utc():
    # Thursday 11 June 23:30 PDT is Friday 06:30 UTC: the next working day is Friday in Los Angeles,
    # not Monday (which counting from UTC's Friday would give).
    now = at(LOS_ANGELES, 2026, 6, 11, 23, 30)
    assert now.astimezone(UTC).date().isoformat() == "2026-06-12"

    with time_machine.travel(now, tick=False):
        slot = next_working_day_at(LOS_ANGELES)

    assert slot == at(LOS_ANGELES, 2026, 6, 12, 10)
    assert slot.astimezone(UTC) == datetime(2026, 6, 12, 17, 0, tzinfo=UTC)


def test_early_monday_in_auckland_is_still_sunday_in_utc():
    # Monday 15 June 07:00 NZST is Sunday 19:00 UTC: the next working day is Tuesday in Auckland,
    # not Monday (which counting from UTC's Sunday would give).
    now = at(AUCKLAND, 2026, 6, 15, 7, 0)
    assert now.astimezone(UTC).weekday() == 6

    with time_machine.travel(now, tick=False):
        slot = next_working_day_at(AUCKLAND)

    assert slot == at(AUCKLAND, 2026, 6, 16, 10)
    assert slot.astimezone(UTC) == datetime(2026, 6, 15, 22, 0, tzinfo=UTC)


def test_an_explicit_now_is_the_same_rule():
    assert next_working_day_at(BERLIN, now=at(BERLIN, 2026, 6, 12, 15, 30)) == at(BERLIN, 2026, 6, 15, 10)
    assert next_working_day_at(BERLIN, hour=14, now=at(BERLIN, 2026, 6, 12, 15, 30)) == at(BERLIN, 2026, 6, 15, 14)


@pytest.mark.django_db
def test_the_organiser_zone_is_theirs_else_the_organisations(organization, recruiter):
    organization.timezone = "America/New_York"
    assert organizer_zone(recruiter, organization).key == "America/New_York"
    recruiter.timezone = "Europe/Berlin"
    assert organizer_zone(recruiter, organization).key == "Europe/Berlin"
    assert organizer_zone(None, organization).key == "America/New_York"


# --- Through the real stage action: the default "Final Interview" stage ------------------------

# Friday 12 June 2026, 15:00 in Berlin (13:00 UTC).
FRIDAY_AFTERNOON = at(BERLIN, 2026, 6, 12, 15, 0)
MONDAY_TEN_IN_BERLIN = at(BERLIN, 2026, 6, 15, 10, 0)


def friday_afternoon(test):
    """The whole test, its rows included, happens on FRIDAY_AFTERNOON, and the clock stands still."""
    return pytest.mark.django_db(pytest.mark.time_machine(FRIDAY_AFTERNOON, tick=False)(test))


def final_interview(stages):
    return next(stage for stage in stages if stage.name == "Final Interview")


@pytest.fixture
def berlin_team(job, hiring_manager):
    """The job's hiring manager, and a recruiter on its hiring team as an interviewer."""
    member = MembershipFactory(organization=job.organization, role=Membership.Role.RECRUITER, user__name="Ivo").user
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    HiringTeamMember.objects.create(job=job, user=member, role=HiringTeamMember.Role.INTERVIEWER)
    return [hiring_manager, member]


def move_into_final_interview(application, stages, by, capture, clock):
    """Move it as the board does, then let the meeting action run (django-q2 runs it in this process).

    A person's move writes to the candidate only once its Undo window has passed: the run waits, and
    the sweeper queues it once the clock has moved on."""
    with capture(execute=True):
        move_application(application=application, to_stage=final_interview(stages), by=by)
    run = ActionRun.objects.get(application=application, action__stage=final_interview(stages))
    if by is not None:
        assert (run.status, run.due_at) == (ActionRun.Status.PENDING, timezone.now() + UNDO_WINDOW)
        assert not Interview.objects.filter(application=application).exists()
        clock.shift(UNDO_WINDOW)
        with capture(execute=True):
            assert runner.sweep() == 1
    run.refresh_from_db()
    return run


@friday_afternoon
@pytest.mark.parametrize("zone_of", ["organisation", "mover"])
def test_entering_final_interview_on_friday_schedules_monday_ten_in_berlin(
    zone_of, organization, recruiter, application, stages, berlin_team, django_capture_on_commit_callbacks, time_machine
):
    if zone_of == "organisation":
        organization.timezone = "Europe/Berlin"
        organization.save()
    else:
        recruiter.timezone = "Europe/Berlin"
        recruiter.save()

    run = move_into_final_interview(application, stages, recruiter, django_capture_on_commit_callbacks, time_machine)

    interview = Interview.objects.get(application=application)
    assert interview.starts_at == MONDAY_TEN_IN_BERLIN
    assert interview.starts_at.astimezone(UTC) == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert (interview.time_zone, interview.title, interview.duration_minutes, interview.location) == (
        "Europe/Berlin", "Final interview", 60, "Office",
    )  # fmt: skip
    assert (interview.organizer, interview.created_by, interview.key) == (recruiter, recruiter, f"action-run:{run.pk}")
    assert [seat.user for seat in interview.panel.all()] == berlin_team
    assert run.status == ActionRun.Status.DONE
    assert run.result.startswith("Interview “Final interview” on 15 Jun 2026, 10:00 CEST with ")
    assert all(user.name in run.result for user in berlin_team)
    # Invited: the candidate and each of the panel, once.
    invited = EmailMessage.objects.filter(idempotency_key__startswith=f"interview:{interview.pk}:0:")
    assert sorted(message.to[0] for message in invited) == sorted(
        ["ada@example.com", *(user.email for user in berlin_team)]
    )


@friday_afternoon
def test_the_job_creators_zone_when_the_mover_is_gone(
    organization, recruiter, job, application, stages, berlin_team, django_capture_on_commit_callbacks, time_machine
):
    # Moved by nobody (an import, the API's system user): the job's creator arranges it, in their zone.
    job.created_by.timezone = "America/New_York"
    job.created_by.save()
    MembershipFactory(organization=organization, user=job.created_by, role=Membership.Role.RECRUITER)

    move_into_final_interview(application, stages, None, django_capture_on_commit_callbacks, time_machine)

    interview = Interview.objects.get(application=application)
    assert (interview.organizer, interview.time_zone) == (job.created_by, "America/New_York")
    assert interview.starts_at == at(NEW_YORK, 2026, 6, 15, 10, 0)


@friday_afternoon
def test_running_the_action_again_makes_no_second_interview(
    organization, recruiter, application, stages, berlin_team, django_capture_on_commit_callbacks, time_machine
):
    organization.timezone = "Europe/Berlin"
    organization.save()
    run = move_into_final_interview(application, stages, recruiter, django_capture_on_commit_callbacks, time_machine)
    interview = Interview.objects.get(application=application)
    messages = EmailMessage.objects.count()
    # As if its record were lost after the interview was made: failed, then retried by a person.
    ActionRun.objects.filter(pk=run.pk).update(status=ActionRun.Status.FAILED, error="Lost")

    with django_capture_on_commit_callbacks(execute=True):
        retry_run(run=run, by=recruiter)

    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == (ActionRun.Status.DONE, "", 1)
    assert run.result.startswith("Interview “Final interview” on 15 Jun 2026, 10:00 CEST")
    assert list(Interview.objects.filter(application=application)) == [interview]
    assert PanelMember.objects.filter(interview=interview).count() == 2
    assert EmailMessage.objects.count() == messages


@friday_afternoon
def test_a_member_with_the_interviewer_role_on_the_team_joins_the_panel(
    organization, recruiter, job, application, stages, team, django_capture_on_commit_callbacks, time_machine
):
    organization.timezone = "Europe/Berlin"
    organization.save()

    run = move_into_final_interview(application, stages, recruiter, django_capture_on_commit_callbacks, time_machine)

    assert run.status == ActionRun.Status.DONE
    interview = Interview.objects.get(application=application)
    assert [seat.user for seat in interview.panel.all()] == team  # [hiring manager, interviewer]
