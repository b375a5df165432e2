"""A subject-access export: everything the organisation holds about one candidate, as JSON plus their files, zipped.

Reads only: exporting writes no row.
"""

import json
import re
import tempfile
import zipfile
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from mail.erasure import messages_about

from ..applications.models import Application, ApplicationFormAnswer
from ..candidates.models import Candidate

PROFILE_FIELDS = (
    "first_name", "last_name", "email", "phone", "address", "city", "country", "linkedin_url", "portfolio_url",
    "cover_letter", "skills", "experience_years", "education", "work_experience", "certifications", "languages",
    "source", "resume_name", "resume_text", "parsed_cv_data", "consent_given_at", "retain_until", "created_at",
    "updated_at",
)  # fmt: skip
# Kept in memory up to this size, then in a temporary file.
SPOOL_SIZE = 16 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\- ]+")


def _safe_name(name, fallback="file"):
    """A file name fit for a zip entry: no folders, no odd characters, not too long."""
    name = _UNSAFE.sub("_", Path(str(name)).name).strip(" .")
    return name[-100:] or fallback


def candidate_data(candidate):
    """(the JSON document, [(path in the zip, stored file)]) for `candidate`."""
    files = []
    profile = {field: getattr(candidate, field) for field in PROFILE_FIELDS}
    profile["id"] = candidate.pk
    if candidate.resume:
        profile["resume_file"] = path = f"files/resume/{_safe_name(candidate.resume_name or candidate.resume.name)}"
        files.append((path, candidate.resume))

    applications = list(
        Application.objects.filter(candidate=candidate)
        .select_related("job", "current_stage")
        .prefetch_related("stage_history", "tags")
        .order_by("applied_at", "pk")
    )
    answers_of = {}
    for answer in ApplicationFormAnswer.objects.filter(application__candidate=candidate).order_by("order", "pk"):
        entry = {"question": answer.label, "value": answer.value}
        if answer.file:
            entry["file"] = path = f"files/answers/{answer.pk}-{_safe_name(answer.file_name or answer.file.name)}"
            files.append((path, answer.file))
        answers_of.setdefault(answer.application_id, []).append(entry)
    applications_data = [
        {
            "job": application.job.title,
            "status": application.get_status_display(),
            "stage": application.current_stage.name if application.current_stage else None,
            "applied_at": application.applied_at,
            "source": application.source,
            "cover_letter": application.cover_letter,
            "rejection_reason": application.rejection_reason,
            "hired_at": application.hired_at,
            "tags": [tag.name for tag in application.tags.all()],
            "answers": answers_of.get(application.pk, []),
            "stage_history": [
                {"from": entry.from_stage_name, "to": entry.to_stage_name, "at": entry.created_at, "note": entry.note}
                for entry in sorted(application.stage_history.all(), key=lambda entry: (entry.created_at, entry.pk))
            ],
        }
        for application in applications
    ]
    jobs = {application.pk: application.job.title for application in applications}
    notes = [
        {"at": note.created_at, "text": note.body, "job": jobs.get(note.application_id)}
        for note in candidate.notes.order_by("created_at", "pk")
    ]
    events = [
        {"at": event.created_at, "what": event.text, "job": jobs.get(event.application_id)}
        for event in candidate.events.order_by("created_at", "pk")
    ]
    messages = messages_about(
        organization=candidate.organization, related=[candidate, *applications], addresses=[candidate.email]
    ).order_by("created_at", "pk")
    emails = [
        {
            "subject": message.subject,
            "status": message.get_status_display(),
            "to": message.to,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
            "opened_at": message.opened_at,
            # A message carrying a secret (a sign-in or invitation link) is listed, never quoted.
            "text": None if message.sensitive else message.text_body,
        }
        for message in messages
    ]
    extensions = [
        {"from": extension.previous_date, "to": extension.new_date, "reason": extension.reason,
         "at": extension.extended_at}
        for extension in candidate.retention_extensions.order_by("extended_at", "pk")
    ]  # fmt: skip
    document = {
        "exported_at": timezone.now(),
        "organization": candidate.organization.name,
        "candidate": profile,
        "applications": applications_data,
        "notes": notes,
        "activity": events,
        "emails": emails,
        "retention_extensions": extensions,
    }
    return document, files


def write_export(candidate):
    """The export of `candidate` as an open zip file, positioned at its start."""
    candidate = Candidate.objects.select_related("organization").get(pk=candidate.pk)
    document, files = candidate_data(candidate)
    missing = []
    archive_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE)  # noqa: SIM115 (the response closes it)
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, fieldfile in files:
            try:
                with fieldfile.open("rb") as source, archive.open(path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except FileNotFoundError:
                missing.append(path)  # the row names a file the storage no longer has
        document["missing_files"] = missing
        archive.writestr("candidate.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
    archive_file.seek(0)
    return archive_file
