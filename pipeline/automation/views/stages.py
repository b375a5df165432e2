"""The Stages editor: a job's own stages, and the organisation's reusable stage templates.

Stage-only edits go through jobs.stages; those that move applications through
pipeline.applications.stages.
"""

import unicodedata

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.params import to_int
from accounts.permissions import ability_required
from jobs import stages as job_stages
from jobs.access import get_job_for_editing, get_job_for_user, get_stage_for_editing
from jobs.models import Stage, StageTemplate

from ...applications import stages as services
from .. import stages as copying
from .actions import with_actions


def _posted_text(request, key, default=""):
    """A one-line text from the form, without control characters (tabs, newlines): they mean nothing in a name."""
    value = request.POST.get(key, default)
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()


def _posted_name(request, *, limit, missing):
    """The posted `name`, or None after saying what is wrong with it (missing, or longer than its column)."""
    name = _posted_text(request, "name")
    if not name:
        messages.error(request, missing)
        return None
    if len(name) > limit:
        messages.error(request, f"Keep the name to {limit} characters or fewer (it has {len(name)}).")
        return None
    return name


def _get_template(request, pk):
    return get_object_or_404(StageTemplate, pk=pk, organization=request.organization)


def _back_to_editor(stage):
    if stage.job_id:
        return redirect("pipeline:job_workflow", stage.job_id)
    return redirect("pipeline:workflow_template", stage.template_id)


def _editor(request, *, stages, job=None, template=None):
    ctx = {
        "job": job,
        "workflow": template,
        "steps": with_actions(services.stages_with_counts(stages)),
        "add_url": reverse("pipeline:add_job_step", args=[job.pk])
        if job
        else reverse("pipeline:add_step", args=[template.pk]),
        "templates": StageTemplate.objects.filter(organization=request.organization) if job else None,
    }
    return render(request, "pipeline/workflow_editor.html", ctx)


@require_GET
@ability_required("manage_workflows", lookup=get_job_for_user)
def job_workflow(request, pk):
    job = get_job_for_editing(request, pk)
    return _editor(request, stages=Stage.objects.filter(job=job), job=job)


@require_GET
@ability_required("manage_workflows")
def workflow_templates(request):
    templates = StageTemplate.objects.filter(organization=request.organization).annotate(
        step_count=Count("stages", filter=Q(stages__is_active=True))
    )
    return render(request, "pipeline/workflow_templates.html", {"templates": templates.order_by("-is_default", "name")})


@require_POST
@ability_required("manage_workflows")
def create_template(request):
    name = _posted_name(request, limit=150, missing="Give the template a name.")
    if name is None:
        return redirect("pipeline:workflow_templates")
    template = copying.create_template(organization=request.organization, name=name)
    messages.success(request, f"Template “{name}” created from the default stages. Shape it below.")
    return redirect("pipeline:workflow_template", template.pk)


@require_GET
@ability_required("manage_workflows", lookup=_get_template)
def workflow_template(request, pk):
    template = _get_template(request, pk)
    return _editor(request, stages=Stage.objects.filter(template=template), template=template)


def _add(request, owner):
    name = _posted_name(request, limit=100, missing="Give the stage a name.")
    if name is not None:
        job_stages.add_stage(name=name, **owner)
        messages.success(request, f"Stage “{name}” added.")


@require_POST
@ability_required("manage_workflows", lookup=_get_template)
def add_step(request, pk):
    template = _get_template(request, pk)
    _add(request, {"template": template})
    return redirect("pipeline:workflow_template", template.pk)


@require_POST
@ability_required("manage_workflows", lookup=get_job_for_user)
def add_job_step(request, pk):
    job = get_job_for_editing(request, pk)
    _add(request, {"job": job})
    return redirect("pipeline:job_workflow", job.pk)


@require_POST
@ability_required("manage_workflows", lookup=get_stage_for_editing)
def rename_step(request, pk):
    stage = get_stage_for_editing(request, pk)
    name = _posted_name(request, limit=100, missing="A stage needs a name.")
    description = _posted_text(request, "description", default=stage.description)
    # The name candidates read on their status page; a form without the field leaves it as it is.
    label = _posted_text(request, "candidate_label", default=stage.candidate_label)
    if name is not None and len(description) > 300:
        messages.error(request, f"Keep the description to 300 characters or fewer (it has {len(description)}).")
    elif name is not None and len(label) > 100:
        messages.error(request, f"Keep the name shown to candidates to 100 characters or fewer (it has {len(label)}).")
    elif name is not None:
        job_stages.rename_stage(
            stage=stage,
            name=name,
            description=description,
            stale_after_days=to_int(request.POST.get("stale_after_days"), maximum=365) or stage.stale_after_days,
            candidate_label=label,
        )
        messages.success(request, "Stage saved.")
    return _back_to_editor(stage)


@require_POST
@ability_required("manage_workflows", lookup=get_stage_for_editing)
def move_step(request, pk):
    stage = get_stage_for_editing(request, pk)
    job_stages.move_stage(stage=stage, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _back_to_editor(stage)


@require_POST
@ability_required("manage_workflows", lookup=get_stage_for_editing)
def toggle_step(request, pk):
    stage = get_stage_for_editing(request, pk)
    try:
        services.toggle_stage(stage=stage)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back_to_editor(stage)


@require_POST
@ability_required("manage_workflows", lookup=get_stage_for_editing)
def delete_step(request, pk):
    stage = get_stage_for_editing(request, pk)
    move_to = stage.siblings().filter(pk=to_int(request.POST.get("move_to", ""))).first()
    try:
        services.delete_stage(stage=stage, move_to=move_to, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Stage “{stage.name}” deleted.")
    return _back_to_editor(stage)


@require_http_methods(["GET", "POST"])
@ability_required("manage_workflows", lookup=get_job_for_user)
def apply_template(request, pk):
    """Map each current stage that holds applications to a stage of the chosen template."""
    job = get_job_for_editing(request, pk)
    template = _get_template(request, to_int(request.POST.get("template") or request.GET.get("template") or ""))
    current = [s for s in services.stages_with_counts(Stage.objects.filter(job=job)) if s.total]
    new_stages = list(template.stages.all())
    names = [s.name.lower() for s in new_stages]
    for position, stage in enumerate(current):
        # Suggest the stage of the same name, else the one at the same place.
        stage.suggested = (
            names.index(stage.name.lower()) if stage.name.lower() in names else min(position, len(names) - 1)
        )
    if request.method == "POST":
        mapping = {}
        for stage in current:
            value = to_int(request.POST.get(f"map_{stage.pk}", ""), maximum=1000)
            if value is not None:
                mapping[stage.pk] = value
        try:
            copying.apply_template(job=job, template=template, mapping=mapping, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"{job.title} now uses the stages of “{template.name}”.")
            return redirect("pipeline:job_workflow", job.pk)
    ctx = {"job": job, "template": template, "current": current, "new_steps": list(enumerate(new_stages))}
    return render(request, "pipeline/apply_template.html", ctx)
