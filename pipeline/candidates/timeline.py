"""A candidate's activity, newest first, gathered from the rows each event already has."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from mail.models import EmailMessage

from ..applications.models import Application, ApplicationStageHistory
from . import extensions
from .mentions import note_html
from .models import Note


def candidate_timeline(candidate, *, viewer, jobs, applications):
    """Applications, stage changes, notes (team ones, and the viewer's private ones) and other events,
    and what the rooms above add (extensions: stage actions' runs, tasks).

    Only what concerns `jobs` (the jobs the viewer can see) or the person as a whole; `applications`
    are the candidate's applications the viewer may see, each marked `can_decide` (see the candidate
    page): emails show only on those.
    """
    items = []
    jobs_of = {a.pk: a.job for a in applications}
    for application in applications:
        items.append({"at": application.applied_at, "kind": "applied", "job": application.job,
                      "text": f"Applied for {application.job.title}", "source": application.source})  # fmt: skip
    history = (
        ApplicationStageHistory.objects.filter(application__in=[a.pk for a in applications])
        .exclude(from_stage=None, from_stage_name="")
        .select_related("moved_by")
    )
    for entry in history:
        items.append({"at": entry.created_at, "kind": "moved", "job": jobs_of.get(entry.application_id),
                      "text": f"Moved from {entry.from_stage_name} to {entry.to_stage_name}", "actor": entry.moved_by,
                      "note": entry.note})  # fmt: skip
    visible = Q(application=None) | Q(application__job__in=jobs)
    notes = candidate.notes.filter(visible).select_related("author", "application__job").prefetch_related("mentions")
    for note in notes:
        if note.visibility == Note.Visibility.PRIVATE and note.author_id != viewer.pk:
            continue
        items.append({"at": note.created_at, "kind": "note", "note": note, "actor": note.author,
                      "html": note_html(note, note.mentions.all()),
                      "job": note.application.job if note.application else None})  # fmt: skip
    for event in candidate.events.filter(visible).select_related("actor", "application__job"):
        items.append({"at": event.created_at, "kind": event.kind, "text": event.text, "actor": event.actor,
                      "job": event.application.job if event.application else None})  # fmt: skip
    # What was written to and about them is the hiring team's to read: not an interviewer's, who sees
    # the application through a panel only (the candidate page marks each application's can_decide).
    decided = [a.pk for a in applications if a.can_decide]
    emails = EmailMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id__in=decided
    ).select_related("sent_by")
    for email in emails:
        state = "opened" if email.opened_at else email.get_status_display().lower()
        items.append({"at": email.created_at, "kind": "email", "text": f"Email “{email.subject}” ({state})",
                      "actor": email.sent_by, "job": jobs_of[email.object_id], "email": email})  # fmt: skip
    items += extensions.timeline_items(candidate, applications=applications, viewer=viewer)
    items.sort(key=lambda item: item["at"], reverse=True)
    return items
