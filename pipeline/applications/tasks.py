"""Background tasks: take ids, re-fetch, and return quietly when the row is gone."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from ..candidates.models import TimelineEvent
from . import notices
from .models import Application, ApplicationStageHistory
from .pending import KEPT_RESUME_MAX_AGE, PENDING_DIR


def delete_stale_pending_uploads():
    """Resumes kept from failed submissions live a day at most (the life of their token)."""
    try:
        _, files = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - timedelta(seconds=KEPT_RESUME_MAX_AGE)
    stale = [name for name in files if default_storage.get_modified_time(f"{PENDING_DIR}/{name}") < cutoff]
    for name in stale:
        default_storage.delete(f"{PENDING_DIR}/{name}")
    return len(stale)


def notify_new_application(application_id):
    application = Application.objects.select_related("job__organization", "candidate").filter(pk=application_id).first()
    if application is not None:
        notices.new_application(application)


def notify_stage_entered(*history_ids):
    """Tell the followers of each application that entered a stage (a bulk move queues one task for all)."""
    entries = ApplicationStageHistory.objects.select_related(
        "application__job__organization", "application__candidate", "to_stage", "moved_by"
    ).filter(pk__in=history_ids, to_stage__isnull=False)
    for history in entries:
        notices.stage_entered(history)


def notify_decision(event_id):
    event = (
        TimelineEvent.objects.select_related("application__job__organization", "application__candidate", "actor")
        .filter(pk=event_id, application__isnull=False)
        .first()
    )
    if event is not None and event.kind in notices.DECISIONS:
        notices.decided(event)
