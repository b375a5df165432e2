"""Rejection done right: one small form, for one application or a board's selection.

A reason (required), "Send the rejection email" (ticked when the form opens), the organisation's
rejection template's subject and body to edit (variables kept), and when it goes. Confirming
rejects through pipeline.applications.services with the email (applications.choices.WrittenEmail)
or none; a delayed email is cancelled if the person is brought back before it goes. A post
without "send_email" rejects without an email: nothing goes out that a person did not see.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from accounts.params import to_ints
from accounts.permissions import ability_required
from jobs.access import get_job_for_user
from mail.models import EmailTemplate

from ...applications import emails, services
from ...applications.access import get_application_for_managing, get_application_for_user, visible_applications
from ...applications.views.board import next_url
from ..forms import RejectForm, when

REJECTION_TEMPLATE = "rejection"
NAMED = 8


def _template(organization):
    return EmailTemplate.objects.filter(organization=organization, key=REJECTION_TEMPLATE, is_active=True).first()


def _form(request, template):
    reasons = services.rejection_reasons(request.organization)
    if request.method == "POST":
        return RejectForm(request.POST, reasons=reasons)
    initial = {"reason": request.GET.get("reason", "")[:200], "send_email": template is not None, "delay": "now"}
    if template is not None:
        initial |= {"subject": template.subject, "body": template.html_body}
    return RejectForm(initial=initial, reasons=reasons)


def _renders(request, form, applications):
    """Whether the form's email (if any) renders for each of `applications`; why not on the form."""
    if not form.cleaned_data.get("send_email"):
        return True
    subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
    for application in applications:
        try:
            emails.preview_written(application=application, subject=subject, body=body, sender=request.user)
        except ValidationError as error:
            for_whom = f"For {application.candidate.full_name}: " if len(applications) > 1 else ""
            form.add_error(None, f"{for_whom}{' '.join(error.messages)}")
            return False
    return True


def _email_news(email, count=1):
    if email is None:
        return "No email was sent."
    what = "The rejection email" if count == 1 else "The rejection emails"
    if email.delay.total_seconds() <= 0:
        return f"{what} {'is' if count == 1 else 'are'} on {'its' if count == 1 else 'their'} way."
    return f"{what} {'goes' if count == 1 else 'go'} {when(email.delay)}, unless you bring them back."


def _answer(request, back):
    if request.htmx:
        # The page the dialog was opened on, loaded again from fresh state (a new URL, or the same one
        # reloaded: a change of #fragment alone would load nothing).
        path = back.split("#")[0]
        if path == request.htmx.current_url_abs_path:
            return HttpResponseClientRefresh()
        return HttpResponseClientRedirect(path)
    return redirect(back)


def _render(request, ctx, *, invalid):
    # htmx swaps only a 200; the full page says 400 to say the post was refused.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "pipeline/automation/reject_modal.html", ctx)
    return render(request, "pipeline/automation/reject_page.html", ctx, status=400 if invalid else 200)


def _default_back(request, default):
    """Where to go once done: `next`, else the page the dialog was opened on (htmx), else `default`."""
    current = request.htmx.current_url_abs_path if request.htmx else None
    return next_url(request, current or default)


@require_http_methods(["GET", "POST"])
@ability_required("manage_applications", lookup=get_application_for_user)
def reject_application(request, pk):
    application = get_application_for_managing(request, pk)
    back = _default_back(request, reverse("pipeline:board", args=[application.job_id]))
    template = _template(request.organization)
    form = _form(request, template)
    if request.method == "POST" and form.is_valid() and _renders(request, form, [application]):
        email = form.email()
        try:
            services.reject_application(
                application=application, reason=form.cleaned_data["reason"], by=request.user, email=email
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{application.candidate} was rejected. {_email_news(email)}")
            return _answer(request, f"{back.split('#')[0]}#application-{application.pk}")
    ctx = {
        "form": form,
        "application": application,
        "applications": [application],
        "template": template,
        "url": reverse("pipeline:reject_application", args=[application.pk]),
        "back": back,
    }
    return _render(request, ctx, invalid=bool(form.errors))


@require_http_methods(["GET", "POST"])
@ability_required("manage_applications", lookup=get_job_for_user)
def reject_applications(request, pk):
    """The board's selection (?selected=...), with one reason and one email text rendered for each person."""
    job = get_job_for_user(request, pk)
    board = reverse("pipeline:board", args=[job.pk])
    back = _default_back(request, board)
    ids = to_ints(request.POST.getlist("selected") or request.GET.getlist("selected"))
    applications = list(
        visible_applications(request)
        .filter(job=job, pk__in=ids)
        .select_related("candidate", "current_stage", "job__organization")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )
    if not applications:
        messages.error(request, "Select at least one application on the board.")
        return _answer(request, back)
    template = _template(request.organization)
    form = _form(request, template)
    if request.method == "POST" and form.is_valid() and _renders(request, form, applications):
        email = form.email()
        done = services.reject_applications(
            applications=applications, reason=form.cleaned_data["reason"], by=request.user, email=email
        )
        news = _email_news(email, done) if done else ""
        messages.success(request, f"Rejected {done}. {news}".strip())
        return _answer(request, back)
    people = [a.candidate for a in applications]
    ctx = {
        "form": form,
        "job": job,
        "applications": applications,
        "named": people[:NAMED],
        "more": max(0, len(people) - NAMED),
        "template": template,
        "url": reverse("pipeline:reject_applications", args=[job.pk]),
        "back": back,
        "query": urlencode([("selected", a.pk) for a in applications]),
    }
    return _render(request, ctx, invalid=bool(form.errors))
