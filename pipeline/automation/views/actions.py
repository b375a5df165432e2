"""A stage's actions on the Stages page (of a job or of a stage template): add, edit, switch on or off,
reorder, delete.

Without JavaScript, the form is a page of its own and every POST returns to the Stages page at the
stage. With htmx, the stage's action list (workflow_editor.html#stage-actions, forms included) is
re-rendered from the database and swapped in place.
"""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import ability_required
from jobs.access import get_stage_for_editing
from jobs.models import Stage

from .. import editing
from ..forms import FORMS
from ..models import StageAction

Kind = StageAction.Kind
PARTIAL = "pipeline/workflow_editor.html#stage-actions"
ICONS = {Kind.EMAIL: "envelope", Kind.NOTIFICATION: "bell", Kind.TASK: "check2-square", Kind.MEETING: "calendar-event"}
# How a heading names each kind: "Add an email to “Offer Made”".
NAMES = {Kind.EMAIL: "an email", Kind.NOTIFICATION: "a notification", Kind.TASK: "a task", Kind.MEETING: "a meeting"}
UNITS = ((24 * 60, "day"), (60, "hour"), (1, "minute"))
VARIABLE = re.compile(r"(\{\{.*?\}\})")


def describe_delay(minutes):
    """ "2 days later", "90 minutes later"; "" for at once."""
    for size, unit in UNITS:
        if minutes and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''} later"
    return ""


def summary_html(summary):
    """The summary, escaped, with the variables it quotes ({{ job.title }}) set apart as code."""
    parts = VARIABLE.split(summary)
    return format_html_join(
        "",
        "{}",
        ((format_html('<code class="variable">{}</code>', part) if i % 2 else part,) for i, part in enumerate(parts)),
    )


def with_actions(stages):
    """`stages` (a queryset) as a list, each with `action_list`: its actions in order, ready to show."""
    actions = StageAction.objects.select_related("email_template")
    stages = list(stages.prefetch_related(Prefetch("actions", queryset=actions, to_attr="action_list")))
    for stage in stages:
        for action in stage.action_list:
            action.icon, action.delay_text = ICONS[action.kind], describe_delay(action.delay_minutes)
            action.summary_html = summary_html(action.summary)
    return stages


def _get_action(request, pk):
    """An action of a stage the member may edit (jobs.access.get_stage_for_editing's rule), else 404."""
    action = get_object_or_404(StageAction.objects.select_related("email_template"), pk=pk)
    action.stage = get_stage_for_editing(request, action.stage_id)
    return action


def _editor_url(stage):
    """The Stages page the stage is on, scrolled to the stage."""
    if stage.job_id:
        return reverse("pipeline:job_workflow", args=[stage.job_id]) + f"#stage-{stage.pk}"
    return reverse("pipeline:workflow_template", args=[stage.template_id]) + f"#stage-{stage.pk}"


def _stage_actions(request, stage, *, open_form=None):
    [step] = with_actions(Stage.objects.filter(pk=stage.pk))
    return render(request, PARTIAL, {"step": step, "open_form": open_form})


def _form(request, stage, open_form):
    """The open form: in the stage's list for htmx, else on a page of its own (400 once it has failed)."""
    if request.htmx:
        # htmx 2 swaps no 4xx answer: a failed form comes back as a 200 with its errors, to be shown.
        return _stage_actions(request, stage, open_form=open_form)
    ctx = {"stage": stage, "open_form": open_form, "back": _editor_url(stage)}
    status = 400 if open_form["form"].is_bound else 200
    return render(request, "pipeline/automation/action_form.html", ctx, status=status)


def _done(request, stage, message=""):
    if message:
        messages.success(request, message)  # a toast: with htmx, sent beside the list
    if request.htmx:
        return _stage_actions(request, stage)
    return redirect(_editor_url(stage))


@require_GET
@ability_required("manage_workflows", lookup=get_stage_for_editing)
def stage_actions(request, pk):
    """The stage's action list (where a form's Cancel goes); without htmx, the Stages page at the stage."""
    stage = get_stage_for_editing(request, pk)
    if request.htmx:
        return _stage_actions(request, stage)
    return redirect(_editor_url(stage))


@require_http_methods(["GET", "POST"])
@ability_required("manage_workflows", lookup=get_stage_for_editing)
def add_action(request, pk):
    stage = get_stage_for_editing(request, pk)
    # The kind is in the form's address (?kind=email); a form may post it instead.
    kind = request.GET.get("kind") or request.POST.get("kind", "")
    if kind not in FORMS:
        return HttpResponseBadRequest("Choose what the action does: an email, a notification, a task or a meeting.")
    form = FORMS[kind](request.POST if request.method == "POST" else None, organization=request.organization)
    if form.is_bound and form.is_valid():
        try:
            editing.create_action(stage=stage, kind=kind, **form.values())
        except ValidationError as error:
            form.show_errors(error)
        else:
            return _done(request, stage, f"Added {NAMES[kind]} to “{stage.name}”.")
    url = reverse("pipeline:add_action", args=[stage.pk]) + f"?kind={kind}"
    return _form(request, stage, {"form": form, "url": url, "heading": f"Add {NAMES[kind]} to “{stage.name}”"})


@require_http_methods(["GET", "POST"])
@ability_required("manage_workflows", lookup=_get_action)
def edit_action(request, pk):
    action = _get_action(request, pk)
    data = request.POST if request.method == "POST" else None
    form = FORMS[action.kind](data, organization=request.organization, action=action)
    if form.is_bound and form.is_valid():
        try:
            editing.update_action(action=action, **form.values())
        except ValidationError as error:
            form.show_errors(error)
        else:
            return _done(request, action.stage, "Action saved.")
    url = reverse("pipeline:edit_action", args=[action.pk])
    heading = f"Edit the {NAMES[action.kind].split()[-1]} of “{action.stage.name}”"
    return _form(request, action.stage, {"form": form, "url": url, "heading": heading, "action": action})


@require_POST
@ability_required("manage_workflows", lookup=_get_action)
def toggle_action(request, pk):
    """Switch on (active=1) or off (active=0); without a value, the other way round."""
    action = _get_action(request, pk)
    active = request.POST.get("active", "0" if action.is_active else "1") == "1"
    editing.set_action_active(action=action, active=active)
    return _done(request, action.stage, "Action switched on." if active else "Action switched off.")


@require_POST
@ability_required("manage_workflows", lookup=_get_action)
def move_action(request, pk):
    action = _get_action(request, pk)
    editing.move_action(action=action, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _done(request, action.stage)


@require_POST
@ability_required("manage_workflows", lookup=_get_action)
def delete_action(request, pk):
    action = _get_action(request, pk)
    editing.delete_action(action=action)
    return _done(request, action.stage, "Action deleted.")
