"""Asking before an offer or a rejection email goes: the runs a move left waiting, answered.

A move into a stage whose actions email the candidate an offer or a rejection leaves those runs
waiting (automation.services.start_stage_actions); the move's answer opens this form: on the board
as a dialog (htmx), otherwise as a page. It shows each waiting email's template text, editable
(variables kept), and a preview as the first recipient gets it. "Send" confirms the runs with the
text as it stands, "Don't send" cancels them; closing the dialog leaves them waiting, shown on the
candidate page. For a bulk move the one text goes to everyone, rendered for each.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from accounts.params import to_int, to_ints
from accounts.permissions import ability_required
from jobs.access import get_job_for_user

from ...applications import emails
from ...applications.access import get_application_for_managing, get_application_for_user
from ...applications.views.board import next_url
from .. import services
from ..forms import EmailTextForm
from ..selectors import by_action, waiting_for_user

# How many recipients the form names before "and N more".
NAMED = 8


@require_http_methods(["GET", "POST"])
@ability_required("manage_applications", lookup=get_application_for_user)
def confirm_actions(request, pk):
    """The emails waiting for an answer about one application (a drag, "Move to…", the candidate page)."""
    application = get_application_for_managing(request, pk)
    back = next_url(request, reverse("pipeline:candidate", args=[application.candidate_id]))
    ctx = {"url": reverse("pipeline:confirm_actions", args=[application.pk]), "back": back}
    return _confirm(request, waiting_for_user(request, application=application), ctx)


@require_http_methods(["GET", "POST"])
@ability_required("manage_applications", lookup=get_job_for_user)
def confirm_job_actions(request, pk):
    """The emails waiting for an answer about a job's applications (a bulk move: ?stage=, the stage entered)."""
    job = get_job_for_user(request, pk)
    stage = to_int(request.GET.get("stage") or request.POST.get("stage"))
    back = next_url(request, reverse("pipeline:board", args=[job.pk]))
    url = reverse("pipeline:confirm_job_actions", args=[job.pk])
    ctx = {"url": url, "back": back, "stage": stage, "job": job}
    return _confirm(request, waiting_for_user(request, job=job, stage=stage), ctx)


def _confirm(request, runs, ctx):
    answer = request.POST.get("answer", "")
    if request.method == "POST":
        # Only the runs the form showed: one that started waiting since was not seen by this person.
        runs = runs.filter(pk__in=to_ints(request.POST.getlist("run")))
    groups = [_group(request, action, found, bound=request.method == "POST") for action, found in by_action(runs)]
    if groups:  # the dialog opens on the first text to read (or edit), not on its close button
        groups[0]["form"].fields["subject"].widget.attrs["autofocus"] = True
    if request.method == "POST" and groups:
        if answer == "skip":
            return _answered(request, ctx, groups, send=False)
        checked = [_check(request, group) for group in groups]
        if answer == "send" and all(checked):
            return _answered(request, ctx, groups, send=True)
    elif request.method == "POST":
        messages.info(request, "Already answered: nothing waits for an answer there any more.")
        return _done(request, ctx)
    else:
        for group in groups:
            _preview(request, group)
    ctx |= {"groups": groups, "count": sum(len(group["runs"]) for group in groups)}
    invalid = any(group["form"].errors for group in groups)
    return _render(request, ctx, status=400 if invalid else 200)


def _group(request, action, runs, *, bound):
    """One waiting email: its action, its runs, the form holding its text (the template's, to begin with)."""
    template = action.email_template
    prefix = f"a{action.pk}"
    if bound:
        form = EmailTextForm(request.POST, prefix=prefix)
    else:
        # Its template deleted since the move (the action keeps none): the person writes the text.
        text = {"subject": template.subject, "body": template.html_body} if template else {"subject": "", "body": ""}
        form = EmailTextForm(prefix=prefix, initial=text)
    people = [run.application.candidate for run in runs]
    return {
        "action": action, "template": template, "runs": runs, "form": form, "prefix": prefix,
        "first": runs[0].application, "named": people[:NAMED], "more": max(0, len(people) - NAMED),
        "preview": None, "preview_errors": [],
    }  # fmt: skip


def _preview(request, group):
    """The text as the first recipient gets it (the form's, or the template's before any post)."""
    form = group["form"]
    source = form.cleaned_data if form.is_bound else form.initial
    if not source.get("subject") and not source.get("body"):
        return
    try:
        group["preview"] = emails.preview_written(
            application=group["first"], subject=source["subject"], body=source["body"], sender=request.user
        )
    except ValidationError as error:
        group["preview_errors"] = error.messages


def _check(request, group):
    """Whether the group's text renders for every one of its recipients (what the worker will do);
    the reasons on the form if not. Previews it for the first one."""
    form = group["form"]
    if not form.is_valid():
        return False
    _preview(request, group)
    if group["preview_errors"]:
        form.add_error(None, ValidationError(group["preview_errors"]))
        return False
    for run in group["runs"][1:]:
        try:
            emails.preview_written(application=run.application, subject=form.cleaned_data["subject"],
                                   body=form.cleaned_data["body"], sender=request.user)  # fmt: skip
        except ValidationError as error:
            form.add_error(None, f"For {run.application.candidate.full_name}: {' '.join(error.messages)}")
            return False
    return True


def _answered(request, ctx, groups, *, send):
    answered = []
    for group in groups:
        edit = group["form"].written() if send else None
        answered += services.confirm_runs(runs=group["runs"], by=request.user, send=send, edit=edit)
    if not answered:
        messages.info(request, "Already answered: nothing waits for an answer there any more.")
    else:
        what = _what(groups)
        if send:
            messages.success(request, f"{what} is on its way.")
        else:
            messages.success(request, f"{what} won't be sent.")
    return _done(request, ctx)


def _what(groups):
    """ "The “Offer” email to Ada Lovelace", "The “Offer” email to 20 people"."""
    parts = []
    for group in groups:
        count = len(group["runs"])
        to = group["first"].candidate.full_name if count == 1 else f"{count} people"
        name = group["template"].name if group["template"] else "waiting"
        parts.append(f"the “{name}” email to {to}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _done(request, ctx):
    if request.htmx:
        if _on_board(request):
            # The dialog closes (its slot emptied); the board, which shows nothing of the emails,
            # keeps where it was (the drag's toast and its Undo too) and shows the answer's toast.
            return render(request, "pipeline/automation/confirm_modal.html#done", ctx)
        # Any other page (the candidate's) shows what waited: it loads again, from fresh state.
        return HttpResponseClientRefresh()
    return redirect(ctx["back"])


def _on_board(request):
    try:
        return resolve(urlsplit(request.htmx.current_url_abs_path or "").path).url_name == "board"
    except Resolver404:
        return False


def _render(request, ctx, *, status):
    if request.htmx and not request.htmx.history_restore_request:
        # htmx swaps only a 200: a refused text comes back into the dialog, its reasons on the form.
        return render(request, "pipeline/automation/confirm_modal.html", ctx)
    return render(request, "pipeline/automation/confirm_page.html", ctx, status=status)
