"""Who may see which application: one rule, for pages, downloads and (later) the API.

Recruiters and admins see every application of their organisation; hiring
managers those of the jobs whose team they are on; anyone on the panel of one of
its interviews (not cancelled) sees that application. Another organisation's rows are 404.
Interviews are a room above this one: the rule names them by relation ("interviews__panel")
and imports nothing of theirs.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from accounts.permissions import can, roles_with
from jobs.models import HiringTeamMember

from .models import Application, ApplicationFormAnswer


def applications_visible_to(membership):
    if membership is None or not membership.is_active:
        return Application.objects.none()
    applications = Application.objects.filter(job__organization_id=membership.organization_id)
    if can(membership, "manage_candidates"):
        return applications
    on_a_panel = Q(pk__in=_interviewed_by(membership.user_id))
    if can(membership, "manage_applications"):
        # A subquery, not a join: joined, the team's other members would repeat each panel's row.
        team_jobs = HiringTeamMember.objects.filter(user_id=membership.user_id).values("job_id")
        return applications.filter(Q(job_id__in=team_jobs) | on_a_panel)
    return applications.filter(on_a_panel)


def applications_managed_by(membership):
    """The applications whose decisions the member takes (moves, rejections, interviews): recruiters
    and admins every one; hiring managers those of their jobs. Seeing one through an interview
    panel only (another job's) is seeing it as an interviewer: no decisions."""
    if membership is None or not can(membership, "manage_applications"):
        return Application.objects.none()
    applications = Application.objects.filter(job__organization_id=membership.organization_id)
    if can(membership, "manage_candidates"):
        return applications
    return applications.filter(job__team__user_id=membership.user_id)


def _interviewed_by(user_id):
    """The ids of the applications with an interview (not cancelled) whose panel `user_id` is on."""
    return Application.objects.filter(
        interviews__panel__user_id=user_id, interviews__status=INTERVIEW_SCHEDULED
    ).values("pk")


# pipeline.interviews.models.Interview.Status.SCHEDULED, by value (that room is above this one).
INTERVIEW_SCHEDULED = "scheduled"


def members_who_see_jobs(organization_id, job_ids, application_ids=()):
    """The active members who may see the applications of any of `job_ids` (and, through an
    interview, `application_ids`): the rule above, from the other side ("who may see this?" rather
    than "what may this member see?"), for choosing whom to tell."""
    members = Membership.objects.filter(organization_id=organization_id, is_active=True, user__is_active=True)
    panels = Application.objects.filter(pk__in=application_ids, interviews__status=INTERVIEW_SCHEDULED).values(
        "interviews__panel__user_id"
    )
    return members.filter(
        Q(role__in=roles_with("manage_candidates"))
        | Q(role__in=roles_with("manage_applications"), user__hiring_teams__job_id__in=job_ids)
        | Q(user_id__in=panels)
    ).distinct()


def members_who_see(application):
    return members_who_see_jobs(application.job.organization_id, [application.job_id], [application.pk])


def can_view_application(membership, application):
    return applications_visible_to(membership).filter(pk=application.pk).exists()


def visible_applications(request):
    return applications_visible_to(request.membership)


def get_application_for_user(request, pk):
    return get_object_or_404(visible_applications(request).select_related("job", "candidate", "current_stage"), pk=pk)


def require_managing(membership, application_id):
    """403 unless the member takes the decisions of application `application_id` (which they see)."""
    if not applications_managed_by(membership).filter(pk=application_id).exists():
        raise PermissionDenied("You see this application as an interviewer: its decisions are the hiring team's.")


def get_application_for_managing(request, pk):
    """get_application_for_user (404 for what the member doesn't see), then require_managing (403)."""
    application = get_application_for_user(request, pk)
    require_managing(request.membership, application.pk)
    return application


def get_answer_for_user(request, pk):
    """An answer (and its file) only with its application."""
    return get_object_or_404(
        ApplicationFormAnswer.objects.select_related("application"),
        pk=pk,
        application__in=visible_applications(request),
    )
