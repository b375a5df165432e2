import os
import time

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django_q.models import Schedule

from pipeline.applications.pending import KEPT_RESUME_MAX_AGE, PENDING_DIR
from pipeline.applications.services import submit_application
from pipeline.applications.tasks import delete_stale_pending_uploads
from pipeline.management.commands.setup_schedules import SCHEDULES
from pipeline.models import ApplicationFormAnswer, Candidate
from tests.factories import make_job, pdf_upload


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

    schedule = Schedule.objects.get(func="pipeline.applications.tasks.delete_stale_pending_uploads")
    assert schedule.schedule_type == Schedule.MINUTES
    assert Schedule.objects.count() == len(SCHEDULES)


@pytest.mark.django_db
def test_a_failed_application_leaves_no_files_behind(settings, organization, monkeypatch):
    organization.privacy_policy_url = "https://example.com/privacy"
    organization.save()
    job = make_job(organization)
    values = {"first_name": "Jo", "last_name": "Doe", "email": "jo@example.com"}

    def fail(*args, **kwargs):
        # The last write of the transaction fails, after the resume is on disk.
        raise IntegrityError("simulated failure at the end of the transaction")

    monkeypatch.setattr(ApplicationFormAnswer.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        submit_application(job=job, values=values, files={"resume": pdf_upload()})

    assert not Candidate.objects.exists()
    private = settings.MEDIA_ROOT / "private"
    assert not private.exists() or not [p for p in private.rglob("*") if p.is_file()]
