"""What interviews add to a candidate's page: each application's interviews (with "Schedule interview")
in its card, and their scheduling and cancelling in the activity timeline (registered with
pipeline.candidates.extensions from PipelineConfig.ready())."""

from django.urls import reverse
from django.utils import formats, timezone

from ..applications.models import Application
from ..candidates import extensions
from . import selectors

PANEL = "pipeline/interviews/application_panel.html"


def application_panels(request, applications):
    """{application id: (template, context)}: three queries for all the applications (none without any)."""
    if not applications:
        return {}
    found = selectors.for_applications(request.membership, applications)
    selectors.mark_busy([interview for interviews in found.values() for interview in interviews])
    panels = {}
    for application in applications:
        interviews = found[application.pk]
        schedules = application.can_decide  # access.may_schedule, as the candidate page asked it
        if not interviews and not schedules:
            continue
        panels[application.pk] = (
            PANEL,
            {
                "application": application,
                "interviews": interviews,
                "schedule_url": (
                    reverse("pipeline:schedule_interview", args=[application.pk])
                    if schedules and application.status == Application.Status.ACTIVE
                    else ""
                ),
            },
        )
    return panels


def _when(interview):
    """Its start on the viewer's clock (the zone the request activated), with the zone's abbreviation."""
    local = timezone.localtime(interview.starts_at)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {formats.date_format(local, 'T')}"


def timeline_items(candidate, *, applications, viewer):
    """Each interview of `applications` the viewer may see: when it was scheduled and, if it was, cancelled.
    Two queries for all of them: the viewer's membership (interviews_visible_to's rule is a member's),
    then the interviews."""
    if not applications:
        return []
    job_of = {application.pk: application.job for application in applications}
    membership = selectors.membership_of(viewer, candidate.organization_id)
    found = selectors.for_applications(membership, applications, panel=False)
    items = []
    for interviews in found.values():
        for interview in interviews:
            job = job_of[interview.application_id]
            items.append({
                "at": interview.created_at, "kind": "interview_scheduled", "actor": interview.created_by, "job": job,
                "text": f"Interview scheduled: {interview.title}, {_when(interview)}",
            })  # fmt: skip
            if interview.is_cancelled and interview.cancelled_at:
                items.append({
                    "at": interview.cancelled_at, "kind": "interview_cancelled", "job": job,
                    "text": f"Interview cancelled: {interview.title}", "note": interview.cancel_reason,
                })  # fmt: skip
    return items


def register():
    extensions.register("application_panels", application_panels)
    extensions.register("timeline", timeline_items)
