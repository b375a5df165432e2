"""A candidate's activity, newest first, gathered from the rows each event already has."""

from .models import ApplicationStageHistory, Note


def candidate_timeline(candidate, *, viewer):
    """Applications, stage changes, notes (team ones, and the viewer's private ones) and other events."""
    items = []
    applications = list(candidate.applications.select_related("job"))
    jobs = {a.pk: a.job for a in applications}
    for application in applications:
        items.append({"at": application.applied_at, "kind": "applied", "job": application.job,
                      "text": f"Applied for {application.job.title}", "source": application.source})  # fmt: skip
    history = (
        ApplicationStageHistory.objects.filter(application__candidate=candidate)
        .exclude(from_stage=None)
        .select_related("from_stage", "to_stage", "moved_by")
    )
    for entry in history:
        items.append({"at": entry.created_at, "kind": "moved", "job": jobs.get(entry.application_id),
                      "text": f"Moved from {entry.from_stage} to {entry.to_stage}", "actor": entry.moved_by,
                      "note": entry.note})  # fmt: skip
    for note in candidate.notes.select_related("author", "application__job").prefetch_related("mentions"):
        if note.visibility == Note.Visibility.PRIVATE and note.author_id != viewer.pk:
            continue
        items.append({"at": note.created_at, "kind": "note", "note": note, "actor": note.author,
                      "job": note.application.job if note.application else None})  # fmt: skip
    for event in candidate.events.select_related("actor", "application__job"):
        items.append({"at": event.created_at, "kind": event.kind, "text": event.text, "actor": event.actor,
                      "job": event.application.job if event.application else None})  # fmt: skip
    items.sort(key=lambda item: item["at"], reverse=True)
    return items
