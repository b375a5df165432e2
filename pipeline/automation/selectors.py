"""Reading stage actions' runs for pages: the candidate's timeline, the confirm form, a run by id.

Every lookup goes through pipeline.applications.access: a run is the viewer's to see exactly when
its application is (another organisation's, or an application they can't see, is a 404).
"""

from django.shortcuts import get_object_or_404

from accounts.permissions import can

from ..applications.access import require_managing, visible_applications
from .models import ActionRun

WAITING_PANEL = "pipeline/automation/runs_waiting_panel.html"
# What the confirm form and the worker's rendering need of each waiting run, in one query.
_FOR_CONFIRMING = (
    "action__email_template",
    "action__stage",
    "application__candidate",
    "application__current_stage",
    "application__job__organization",
)


def get_run_for_user(request, pk):
    return get_object_or_404(
        ActionRun.objects.select_related("application"), pk=pk, application__in=visible_applications(request)
    )


def get_run_for_managing(request, pk):
    """get_run_for_user, then 403 unless the member takes its application's decisions."""
    run = get_run_for_user(request, pk)
    require_managing(request.membership, run.application_id)
    return run


def waiting_for_user(request, *, application=None, job=None, stage=None, ids=None):
    """The runs waiting for a person's answer that the viewer may answer: of one `application`, or
    of one `job` (those set off by entering `stage`, if given); only `ids` among them, if given."""
    runs = ActionRun.objects.filter(
        status=ActionRun.Status.WAITING, application__in=visible_applications(request), action__isnull=False
    )
    if application is not None:
        runs = runs.filter(application=application)
    if job is not None:
        runs = runs.filter(application__job=job)
    if stage is not None:
        runs = runs.filter(action__stage_id=stage)
    if ids is not None:
        runs = runs.filter(pk__in=ids)
    return runs.select_related(*_FOR_CONFIRMING).order_by(
        "action_id", "application__candidate__last_name", "application__candidate__first_name", "pk"
    )


def by_action(runs):
    """[(action, [runs])]: one text to confirm per action, however many people it goes to."""
    groups = {}
    for run in runs:
        groups.setdefault(run.action_id, (run.action, []))[1].append(run)
    return list(groups.values())


def timeline_items(candidate, *, applications, viewer):
    """The candidate timeline's provider (pipeline.candidates.extensions): each run of `applications`
    the viewer decides on (can_decide: not those seen through an interview panel only), what it is
    and where it stands. One query for all of them."""
    job_of = {application.pk: application.job for application in applications if application.can_decide}
    runs = ActionRun.objects.filter(application_id__in=list(job_of)).select_related("created_by")
    return [
        {
            "at": run.created_at,
            "kind": "action_run",
            "text": run.label,
            "run": run,
            "actor": run.created_by,
            "job": job_of[run.application_id],
        }
        for run in runs
    ]


def waiting_panels(request, applications):
    """The candidate page's "waiting for your answer" in each application's card (extensions'
    application_panels): {application id: (template, context)}. One query for all of them. Only for
    who may answer them (an interviewer sees a candidate's page through an interview's panel)."""
    if not applications or not can(request.membership, "manage_applications"):
        return {}
    waiting = {}
    runs = ActionRun.objects.filter(
        application__in=[a.pk for a in applications], status=ActionRun.Status.WAITING, action__isnull=False
    )
    for run in runs:
        waiting.setdefault(run.application_id, []).append(run)
    return {
        application_id: (WAITING_PANEL, {"application_id": application_id, "runs": found})
        for application_id, found in waiting.items()
    }
