"""Writing to candidates: one application from the candidate page, or a selection from the board.

Both pages start from one of the organisation's templates (its text, variables kept) or a blank
page. Choosing the template is a GET (htmx swaps the compose area; without JavaScript the page
reloads); the recruiter edits, "Preview" posts the form back to see it as the (first) recipient
will get it, and "Send" (`confirm`) queues it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.params import to_ints
from accounts.permissions import ability_required
from jobs.access import get_job_for_user
from mail import rendering
from mail.models import EmailTemplate

from .. import emails
from ..access import get_application_for_user, visible_applications
from ..forms import WrittenEmailForm


def _templates(organization):
    return list(EmailTemplate.objects.filter(organization=organization, is_active=True))


def _compose_form(request, templates, *, one_recipient):
    """The posted form, or on a GET one holding the chosen template's text."""
    if request.method == "POST":
        return WrittenEmailForm(request.POST, templates=templates, one_recipient=one_recipient)
    chosen = next((t for t in templates if t.key == request.GET.get("template")), None)
    return WrittenEmailForm.starting_from(chosen, templates=templates, one_recipient=one_recipient)


def _preview(form, application, sender):
    """(preview, errors): the form's text as `application`'s candidate would get it.

    A posted form gets the reasons it can't be rendered on its fields (a 400); a GET's template
    text gets them beside the preview, since nothing was typed yet.
    """
    source = form.cleaned_data if form.is_bound else form.initial
    if not source.get("subject") and not source.get("body"):
        return None, []
    try:
        preview = emails.preview_written(
            application=application, subject=source["subject"], body=source["body"], sender=sender
        )
    except ValidationError as error:
        if form.is_bound:
            form.add_error(None, error)
            return None, []
        return None, error.messages
    return preview, []


def _respond(request, page, ctx):
    form = ctx["form"]
    # A history restore asks for the whole page again, with the htmx header set.
    if request.htmx and not request.htmx.history_restore_request:
        page += "#compose"
    ctx |= {"variables": rendering.VARIABLES, "templates": list(form.templates.values())}
    return render(request, page, ctx, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@ability_required("send_email", lookup=get_application_for_user)
def email_application(request, pk):
    """Edit a template's text (or write one's own) for this person, preview it, send it (with CC)."""
    application = get_application_for_user(request, pk)
    form = _compose_form(request, _templates(request.organization), one_recipient=True)
    preview, preview_errors = None, []
    if request.method == "POST" and form.is_valid() and "confirm" in request.POST:
        data = form.cleaned_data
        # The key names the page the text was written on, for this application and member.
        once = f"written:{request.user.pk}:{application.pk}:{data['once']}" if data["once"] else None
        try:
            message = emails.send_written(
                application=application, subject=data["subject"], body=data["body"], cc=data["cc"],
                sender=request.user, template=data["template"], idempotency_key=once,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{message.subject}” is on its way to {application.candidate.email}.")
            return redirect("pipeline:candidate", application.candidate_id)
    elif not form.is_bound or form.is_valid():
        preview, preview_errors = _preview(form, application, request.user)
    ctx = {"application": application, "form": form, "preview": preview, "preview_errors": preview_errors}
    return _respond(request, "pipeline/email_compose.html", ctx)


@require_http_methods(["GET", "POST"])
@ability_required("send_email", lookup=get_job_for_user)
def bulk_email(request, pk):
    """The board's selection: one text, its variables filled in for each person; the first is previewed."""
    job = get_job_for_user(request, pk)
    ids = to_ints(request.POST.getlist("selected") or request.GET.getlist("selected"))
    applications = list(
        visible_applications(request)
        .filter(job=job, pk__in=ids)
        .select_related("candidate", "current_stage", "job__organization")
    )
    if not applications:
        messages.error(request, "Select at least one application on the board.")
        return redirect("pipeline:board", job.pk)
    form = _compose_form(request, _templates(request.organization), one_recipient=False)
    preview, preview_errors = None, []
    if request.method == "POST" and form.is_valid() and "confirm" in request.POST:
        data = form.cleaned_data
        try:
            sent = emails.send_written_to_applications(
                applications=applications, subject=data["subject"], body=data["body"], sender=request.user,
                template=data["template"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            people = f"{len(sent)} candidate{'s' if len(sent) > 1 else ''}"
            messages.success(request, f"Your email is on its way to {people}.")
            return redirect("pipeline:board", job.pk)
    elif not form.is_bound or form.is_valid():
        preview, preview_errors = _preview(form, applications[0], request.user)
    ctx = {
        "job": job,
        "applications": applications,
        "first": applications[0],
        "form": form,
        "preview": preview,
        "preview_errors": preview_errors,
    }
    return _respond(request, "pipeline/email_bulk.html", ctx)
