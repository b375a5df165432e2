"""Writing to candidates: one application from the candidate page, or a selection from the board."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.params import to_ints
from accounts.permissions import ability_required
from jobs.access import get_job_for_user
from mail import services as mail
from mail.models import EmailTemplate

from ..access import get_application_for_user, visible_applications
from ..emails import send_to_applications, values_for


def _templates(organization):
    return EmailTemplate.objects.filter(organization=organization, is_active=True)


def _chosen_template(request, templates):
    key = request.POST.get("template") or request.GET.get("template") or ""
    return next((t for t in templates if t.key == key), None)


@ability_required("send_email", lookup=get_application_for_user)
def email_application(request, pk):
    """Pick a template, see it rendered for this person, send."""
    application = get_application_for_user(request, pk)
    templates = list(_templates(request.organization))
    template = _chosen_template(request, templates)
    values = values_for(application, sender=request.user)
    if request.method == "POST" and template is not None:
        send_to_applications(template=template, applications=[application], sender=request.user)
        messages.success(request, f"“{template.name}” is on its way to {application.candidate.email}.")
        return redirect("pipeline:candidate", application.candidate_id)
    ctx = {
        "application": application,
        "templates": templates,
        "template": template,
        "preview": mail.render_template(template, values) if template else None,
    }
    return render(request, "pipeline/email_compose.html", ctx)


@ability_required("send_email", lookup=get_job_for_user)
def bulk_email(request, pk):
    """The board's selection: each message rendered for its recipient; the first is shown before sending."""
    job = get_job_for_user(request, pk)
    ids = to_ints(request.POST.getlist("selected") or request.GET.getlist("selected"))
    applications = list(
        visible_applications(request)
        .filter(job=job, pk__in=ids)
        .select_related("candidate", "current_stage", "job__organization")
    )
    templates = list(_templates(request.organization))
    template = _chosen_template(request, templates)
    if not applications:
        messages.error(request, "Select at least one application on the board.")
        return redirect("pipeline:board", job.pk)
    if request.method == "POST" and request.POST.get("confirm") and template is not None:
        send_to_applications(template=template, applications=applications, sender=request.user)
        messages.success(request, f"“{template.name}” is on its way to {len(applications)} candidate(s).")
        return redirect("pipeline:board", job.pk)
    first = applications[0]
    ctx = {
        "job": job,
        "applications": applications,
        "templates": templates,
        "template": template,
        "preview": mail.render_template(template, values_for(first, sender=request.user)) if template else None,
        "first": first,
    }
    return render(request, "pipeline/email_bulk.html", ctx)
