"""Who may see which application: one rule, for pages, downloads and (later) the API.

Recruiters and admins see every application of their organisation; hiring
managers those of the jobs whose team they are on; interviewers none yet (they
will see the applications of their interviews). Another organisation's rows are 404.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from accounts.permissions import can, roles_with

from .models import Application, ApplicationFormAnswer


def applications_visible_to(membership):
    if membership is None or not membership.is_active:
        return Application.objects.none()
    applications = Application.objects.filter(job__organization_id=membership.organization_id)
    if can(membership, "manage_candidates"):
        return applications
    if can(membership, "manage_applications"):
        return applications.filter(job__team__user_id=membership.user_id)
    return applications.none()


def members_who_see_jobs(organization_id, job_ids):
    """The active members who may see the applications of any of `job_ids`: the rule above, from the
    other side ("who may see this?" rather than "what may this member see?"), for choosing whom to tell."""
    members = Membership.objects.filter(organization_id=organization_id, is_active=True, user__is_active=True)
    return members.filter(
        Q(role__in=roles_with("manage_candidates"))
        | Q(role__in=roles_with("manage_applications"), user__hiring_teams__job_id__in=job_ids)
    ).distinct()


def members_who_see(application):
    return members_who_see_jobs(application.job.organization_id, [application.job_id])


def can_view_application(membership, application):
    return applications_visible_to(membership).filter(pk=application.pk).exists()


def visible_applications(request):
    return applications_visible_to(request.membership)


def get_application_for_user(request, pk):
    return get_object_or_404(visible_applications(request).select_related("job", "candidate", "current_stage"), pk=pk)


def get_answer_for_user(request, pk):
    """An answer (and its file) only with its application."""
    return get_object_or_404(
        ApplicationFormAnswer.objects.select_related("application"),
        pk=pk,
        application__in=visible_applications(request),
    )
