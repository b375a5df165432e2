"""Uploads kept between a failed submission and the next try, so a candidate needn't pick them again."""

import uuid
from pathlib import Path

from django.core import signing
from django.core.files.storage import default_storage

KEPT_RESUME_SALT = "pipeline.apply.kept-resume"
KEPT_RESUME_MAX_AGE = 24 * 3600
PENDING_DIR = "private/pending"


def keep_upload(upload):
    """Store a valid resume from a failed submission so the candidate needn't pick it again."""
    path = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload)
    return signing.dumps({"path": path, "name": upload.name}, salt=KEPT_RESUME_SALT)


def kept_upload(token):
    """(path, original name) of a kept resume, or None when the token is missing, forged or stale."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=KEPT_RESUME_SALT, max_age=KEPT_RESUME_MAX_AGE)
    except signing.BadSignature:
        return None
    path = data.get("path", "")
    if not path.startswith(f"{PENDING_DIR}/") or not default_storage.exists(path):
        return None
    return path, data.get("name", "resume")
