"""Editing stages: a job's own pipeline, and the organisation's reusable templates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.params import to_int
from accounts.permissions import ability_required
from jobs.access import get_job_for_editing

from .. import services
from ..models import WorkflowStep, WorkflowTemplate


def _get_workflow(request, pk):
    return get_object_or_404(WorkflowTemplate.objects.select_related("job"), pk=pk, organization=request.organization)


def _get_step(request, pk):
    return get_object_or_404(
        WorkflowStep.objects.select_related("workflow__job"), pk=pk, workflow__organization=request.organization
    )


def _editor_url(workflow):
    if workflow.job_id:
        return redirect("pipeline:job_workflow", workflow.job_id)
    return redirect("pipeline:workflow_template", workflow.pk)


def _steps_with_counts(workflow):
    active = Q(applications__status__in=["active", "on_hold"])
    return workflow.steps.annotate(total=Count("applications"), active_count=Count("applications", filter=active))


@ability_required("manage_workflows")
def job_workflow(request, pk):
    job = get_job_for_editing(request, pk)
    workflow = services.workflow_for(job)
    ctx = {
        "job": job,
        "workflow": workflow,
        "steps": _steps_with_counts(workflow),
        "templates": WorkflowTemplate.objects.filter(organization=request.organization, job=None),
    }
    return render(request, "pipeline/workflow_editor.html", ctx)


@ability_required("manage_workflows")
def workflow_templates(request):
    services.default_workflow(request.organization)
    templates = (
        WorkflowTemplate.objects.filter(organization=request.organization, job=None)
        .annotate(step_count=Count("steps", filter=Q(steps__is_active=True)))
        .order_by("-is_default", "name")
    )
    return render(request, "pipeline/workflow_templates.html", {"templates": templates})


@require_POST
@ability_required("manage_workflows")
@transaction.atomic
def create_template(request):
    name = request.POST.get("name", "").strip()[:150]
    if not name:
        messages.error(request, "Give the template a name.")
        return redirect("pipeline:workflow_templates")
    template = WorkflowTemplate.objects.create(organization=request.organization, name=name)
    for step in services.default_workflow(request.organization).steps.all():
        services.add_step(workflow=template, name=step.name, description=step.description)
    messages.success(request, f"Template “{name}” created from the default stages. Shape it below.")
    return redirect("pipeline:workflow_template", template.pk)


@ability_required("manage_workflows")
def workflow_template(request, pk):
    workflow = _get_workflow(request, pk)
    if workflow.job_id:
        return redirect("pipeline:job_workflow", workflow.job_id)
    return render(
        request, "pipeline/workflow_editor.html", {"workflow": workflow, "steps": _steps_with_counts(workflow)}
    )


@require_POST
@ability_required("manage_workflows")
def add_step(request, pk):
    workflow = _get_workflow(request, pk)
    name = request.POST.get("name", "").strip()[:100]
    if name:
        services.add_step(workflow=workflow, name=name)
        messages.success(request, f"Stage “{name}” added.")
    else:
        messages.error(request, "Give the stage a name.")
    return _editor_url(workflow)


@require_POST
@ability_required("manage_workflows")
def rename_step(request, pk):
    step = _get_step(request, pk)
    name = request.POST.get("name", "").strip()[:100]
    if name:
        step.name = name
        step.description = request.POST.get("description", step.description).strip()[:300]
        step.save(update_fields=["name", "description"])
        messages.success(request, "Stage renamed.")
    else:
        messages.error(request, "A stage needs a name.")
    return _editor_url(step.workflow)


@require_POST
@ability_required("manage_workflows")
def move_step(request, pk):
    step = _get_step(request, pk)
    services.move_step(step=step, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _editor_url(step.workflow)


@require_POST
@ability_required("manage_workflows")
def toggle_step(request, pk):
    step = _get_step(request, pk)
    if step.is_active and step.applications.exists():
        messages.error(request, f"Move the applications out of “{step.name}” before switching it off.")
    elif step.is_active and not step.workflow.steps.filter(is_active=True).exclude(pk=step.pk).exists():
        messages.error(request, "A pipeline needs at least one stage that is on.")
    else:
        step.is_active = not step.is_active
        step.save(update_fields=["is_active"])
    return _editor_url(step.workflow)


@require_POST
@ability_required("manage_workflows")
def delete_step(request, pk):
    step = _get_step(request, pk)
    target_pk = request.POST.get("move_to", "")
    move_to = step.workflow.steps.filter(pk=to_int(target_pk)).first()
    try:
        services.delete_step(step=step, move_to=move_to, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Stage “{step.name}” deleted.")
    return _editor_url(step.workflow)


@ability_required("manage_workflows")
def apply_template(request, pk):
    """Map each current stage that holds applications to a stage of the chosen template."""
    job = get_job_for_editing(request, pk)
    template_id = request.POST.get("template") or request.GET.get("template") or ""
    template = _get_workflow(request, to_int(template_id))
    if template.job_id:
        return redirect("pipeline:job_workflow", job.pk)
    current = [s for s in _steps_with_counts(services.workflow_for(job)) if s.total]
    new_steps = list(template.steps.all())
    names = [s.name.lower() for s in new_steps]
    for position, step in enumerate(current):
        # Suggest the stage of the same name, else the one at the same place.
        step.suggested = names.index(step.name.lower()) if step.name.lower() in names else min(position, len(names) - 1)
    if request.method == "POST":
        mapping = {}
        for step in current:
            value = request.POST.get(f"map_{step.pk}", "")
            if to_int(value, maximum=1000) is not None:
                mapping[step.pk] = int(value)
        try:
            services.apply_template(job=job, template=template, mapping=mapping, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"{job.title} now uses the stages of “{template.name}”.")
            return redirect("pipeline:job_workflow", job.pk)
    ctx = {"job": job, "template": template, "current": current, "new_steps": list(enumerate(new_steps))}
    return render(request, "pipeline/apply_template.html", ctx)
