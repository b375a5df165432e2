"""Background tasks: take ids, re-fetch, and return quietly when the row is gone."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

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
