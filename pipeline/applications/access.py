"""Who may see which application: one rule, for pages, downloads and (later) the API.

Recruiters and admins see every application of their organisation; hiring
managers those of the jobs whose team they are on; interviewers none yet (they
will see the applications of their interviews). Another organisation's rows are 404.
"""

from django.shortcuts import get_object_or_404

from accounts.permissions import can

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
