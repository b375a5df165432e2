"""Two people acting on the same application at once. PostgreSQL only: on SQLite `select_for_update`
is a no-op and the whole file is locked, so there is no race to test (see docs/pitfalls.md)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from jobs.models import Stage
from pipeline.applications import services
from pipeline.models import Application, ApplicationStageHistory
from tests.factories import ApplicationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: select_for_update is a no-op on SQLite, which serialises writers on the file.",
    ),
]

# Bounds, not pauses: they only matter if a thread hangs, so the suite fails instead of hanging.
HANG_TIMEOUT = 30


def in_threads(*calls):
    """Run each call in its own thread (so on its own database connection), all released at once."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=HANG_TIMEOUT)
            call()
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HANG_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []


def mover(application_pk, stage_pk):
    def move():
        application = Application.objects.get(pk=application_pk)
        stage = Stage.objects.get(pk=stage_pk)
        services.move_application(application=application, to_stage=stage)

    return move


def test_two_simultaneous_moves_leave_one_stage_and_a_consistent_history(job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0])
    ApplicationStageHistory.objects.create(application=application, to_stage=stages[0], note="Applied")

    in_threads(mover(application.pk, stages[2].pk), mover(application.pk, stages[5].pk))

    application.refresh_from_db()
    first, second = application.stage_history.exclude(from_stage=None).order_by("pk")
    assert {first.to_stage_id, second.to_stage_id} == {stages[2].pk, stages[5].pk}
    assert first.from_stage_id == stages[0].pk
    assert second.from_stage_id == first.to_stage_id
    assert application.current_stage_id == second.to_stage_id
    assert application.stage_history.count() == 3


def test_repeated_races_always_chain_the_history(job, stages):
    """Each round races two moves away from where the last round ended; every entry starts where the previous ended."""
    application = ApplicationFactory(job=job, current_stage=stages[0])

    for round_ in range(5):
        targets = [stages[1 + round_ % 3], stages[4 + round_ % 3]]
        in_threads(*(mover(application.pk, stage.pk) for stage in targets))

    history = list(application.stage_history.order_by("pk"))
    assert len(history) == 10
    assert [h.from_stage_id for h in history] == [stages[0].pk] + [h.to_stage_id for h in history[:-1]]
    application.refresh_from_db()
    assert application.current_stage_id == history[-1].to_stage_id


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _blocked_by(waiter_pid, holder_pid):
    """Whether `waiter_pid` is queued for a lock that `holder_pid` holds (PostgreSQL's live lock table)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder_pid, waiter_pid])
        return cursor.fetchone()[0]


def test_two_hires_at_once_never_exceed_the_openings(job, stages):
    job.openings = 1
    job.save()
    first, second = (ApplicationFactory(job=job, current_stage=stages[-1]) for _ in range(2))
    first_hired, second_done = threading.Event(), threading.Event()
    second_pid = []

    def hire_first():
        # Hire, then hold the transaction open until the second recruiter's hire has either finished (no
        # lock on the job: both would take the opening) or is queued behind this transaction's lock (the
        # fix). Both are checked as they happen, so the test never sits out a fixed pause.
        with transaction.atomic():
            services.set_status(application=Application.objects.get(pk=first.pk), status="hired")
            mine = _backend_pid()
            first_hired.set()
            deadline = time.monotonic() + HANG_TIMEOUT
            while not (second_done.is_set() or (second_pid and _blocked_by(second_pid[0], mine))):
                assert time.monotonic() < deadline, "the second hire neither finished nor waited for the lock"

    def hire_second():
        second_pid.append(_backend_pid())
        first_hired.wait(timeout=HANG_TIMEOUT)
        try:
            services.set_status(application=Application.objects.get(pk=second.pk), status="hired")
        except ValidationError:
            pass  # refused: the openings are filled
        finally:
            second_done.set()

    in_threads(hire_first, hire_second)

    assert Application.objects.filter(job=job, status=Application.Status.HIRED).count() == 1
