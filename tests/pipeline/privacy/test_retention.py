"""The retention promise: pipeline.privacy.tasks.erase_expired_candidates, run daily, and extending a date."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from pipeline.applications.models import Application
from pipeline.candidates.models import Candidate
from pipeline.management.commands.setup_schedules import SCHEDULES
from pipeline.privacy import services
from pipeline.privacy.models import ErasureRecord, RetentionExtension
from pipeline.privacy.services import erase_if_expired, expired_candidates, extend_retention
from pipeline.privacy.tasks import erase_expired_candidates
from tests.factories import ApplicationFactory, CandidateFactory, OrganizationFactory, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(organization):
    return organization.local_date(timezone.now())


def candidate(organization, retain_until, *statuses, **fields):
    person = CandidateFactory(organization=organization, retain_until=retain_until, **fields)
    for status in statuses:
        job = make_job(organization)
        ApplicationFactory(job=job, candidate=person, current_stage=job.stages.first(), status=status)
    return person


def erased(person):
    return Candidate.objects.get(pk=person.pk).erased_at is not None


def test_it_erases_only_those_past_their_date_with_no_open_application(organization, today):
    Status = Application.Status
    past = today - timedelta(days=1)
    due = candidate(organization, past)
    closed = candidate(organization, past, Status.REJECTED, Status.WITHDRAWN, Status.HIRED)
    active = candidate(organization, past, Status.ACTIVE)
    on_hold = candidate(organization, past, Status.REJECTED, Status.ON_HOLD)
    last_day = candidate(organization, today)  # "kept until today" includes today
    later = candidate(organization, today + timedelta(days=30))
    undated = candidate(organization, None)

    assert erase_expired_candidates() == 2

    assert [erased(person) for person in (due, closed)] == [True, True]
    assert [erased(person) for person in (active, on_hold, last_day, later, undated)] == [False] * 5
    records = ErasureRecord.objects.order_by("candidate_number")
    assert [(r.candidate_number, r.reason, r.erased_by) for r in records] == [
        (due.pk, ErasureRecord.Reason.RETENTION, None),
        (closed.pk, ErasureRecord.Reason.RETENTION, None),
    ]
    assert Application.objects.filter(candidate=closed).count() == 3  # the tombstone keeps them


def test_running_it_again_erases_nothing_more(organization, today):
    candidate(organization, today - timedelta(days=3))
    assert erase_expired_candidates() == 1

    assert erase_expired_candidates() == 0

    assert ErasureRecord.objects.count() == 1


def test_the_date_is_read_in_the_organisations_time_zone(db):
    # 11:00 UTC on 1 June is already 2 June in Kiritimati (UTC+14) and still 1 June in Pago Pago (UTC-11).
    now = datetime(2030, 6, 1, 11, 0, tzinfo=UTC)
    east = OrganizationFactory(timezone="Pacific/Kiritimati")
    west = OrganizationFactory(timezone="Pacific/Pago_Pago")
    early = candidate(east, date(2030, 6, 1))
    late = candidate(west, date(2030, 6, 1))

    assert list(expired_candidates(now=now)) == [early]
    assert erase_if_expired(candidate_id=late.pk, now=now) is None
    assert erase_if_expired(candidate_id=early.pk, now=now) is not None
    assert erased(early) and not erased(late)


def test_an_application_since_the_list_was_read_keeps_them(organization, today):
    person = candidate(organization, today - timedelta(days=1))
    assert list(expired_candidates()) == [person]
    job = make_job(organization)
    ApplicationFactory(job=job, candidate=person, current_stage=job.stages.first())

    assert erase_if_expired(candidate_id=person.pk) is None

    assert not erased(person)


def test_a_candidate_gone_in_the_meantime_is_skipped(organization, today):
    person = candidate(organization, today - timedelta(days=1))
    pk = person.pk
    person.delete()

    assert erase_if_expired(candidate_id=pk) is None


def test_one_failure_does_not_stop_the_others(organization, today, monkeypatch, caplog):
    first, second = (
        candidate(organization, today - timedelta(days=2)),
        candidate(organization, today - timedelta(days=1)),
    )
    real = services.erase_candidate

    def flaky(*, candidate, **kwargs):
        if candidate.pk == first.pk:
            raise RuntimeError("storage down")
        return real(candidate=candidate, **kwargs)

    monkeypatch.setattr(services, "erase_candidate", flaky)

    assert erase_expired_candidates() == 1

    assert not erased(first) and erased(second)
    assert f"Could not erase candidate {first.pk}" in caplog.text


def test_extending_moves_the_date_and_records_who_and_why(organization, owner, today):
    person = candidate(organization, today - timedelta(days=1))
    until = today + timedelta(days=90)

    extension = extend_retention(candidate=person, until=until, reason="  In our talent pool  ", by=owner)

    person.refresh_from_db()
    assert person.retain_until == until
    assert (extension.previous_date, extension.new_date, extension.reason, extension.extended_by) == (
        today - timedelta(days=1),
        until,
        "In our talent pool",
        owner,
    )
    assert erase_expired_candidates() == 0
    assert not erased(person)


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(0, "Talent pool", "retain_until"), (5, "Talent pool", "retain_until"), (90, "   ", "reason")],
    ids=["today", "not after the current date", "no reason"],
)
def test_an_extension_needs_a_later_day_and_a_reason(organization, owner, today, days, reason, field):
    person = candidate(organization, today + timedelta(days=10))

    with pytest.raises(ValidationError) as error:
        extend_retention(candidate=person, until=today + timedelta(days=days), reason=reason, by=owner)

    assert field in error.value.message_dict
    assert not RetentionExtension.objects.exists()
    person.refresh_from_db()
    assert person.retain_until == today + timedelta(days=10)


def test_the_job_is_scheduled_daily_once_however_often_the_command_runs():
    call_command("setup_schedules")
    call_command("setup_schedules")

    schedule = Schedule.objects.get(func="pipeline.privacy.tasks.erase_expired_candidates")
    assert schedule.schedule_type == Schedule.DAILY
    assert Schedule.objects.count() == len(SCHEDULES)
