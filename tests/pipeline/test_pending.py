import os
import time

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from pipeline.management.commands.setup_schedules import SCHEDULES
from pipeline.pending import KEPT_RESUME_MAX_AGE, PENDING_DIR
from pipeline.tasks import delete_stale_pending_uploads


def _pending_file(settings, name, age_seconds):
    folder = settings.MEDIA_ROOT / PENDING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF-1.4 kept")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def test_stale_pending_uploads_are_deleted_and_fresh_ones_kept(settings):
    stale = _pending_file(settings, "old.pdf", KEPT_RESUME_MAX_AGE + 3600)
    fresh = _pending_file(settings, "new.pdf", 60)

    assert delete_stale_pending_uploads() == 1

    assert not stale.exists()
    assert fresh.exists()


def test_cleanup_without_a_pending_folder_does_nothing(settings):
    assert delete_stale_pending_uploads() == 0


@pytest.mark.django_db
def test_schedules_are_registered_once_however_often_the_command_runs():
    call_command("setup_schedules")
    call_command("setup_schedules")

    schedule = Schedule.objects.get(func="pipeline.tasks.delete_stale_pending_uploads")
    assert schedule.schedule_type == Schedule.MINUTES
    assert Schedule.objects.count() == len(SCHEDULES)
