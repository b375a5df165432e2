"""Who may see which task, and who may make or hand one over: one rule, for every page of tasks.

Owners, admins and recruiters see every task of their organisation. Hiring managers see their own
(assigned to them or made by them) and the tasks about applications they may see. Interviewers see
only the tasks assigned to them. Whoever sees a task may complete, reopen and comment on it.
Making or handing over a task about an application is for whoever takes its decisions
(applications_managed_by: not an interviewer who sees it through a panel); a task about no
application is the recruiters'. Another organisation's task is a 404.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.permissions import can

from ..applications.access import applications_managed_by, applications_visible_to, members_who_see
from .models import Task

User = get_user_model()


def sees_every_task(membership):
    """Tasks are recruiting work: whoever manages every candidate sees every task."""
    return membership is not None and membership.is_active and can(membership, "manage_candidates")


def tasks_visible_to(membership):
    if membership is None or not membership.is_active:
        return Task.objects.none()
    tasks = Task.objects.filter(organization_id=membership.organization_id)
    if sees_every_task(membership):
        return tasks
    mine = Q(assignee_id=membership.user_id)
    if can(membership, "manage_applications"):
        seen = applications_visible_to(membership).values("pk")
        return tasks.filter(mine | Q(created_by_id=membership.user_id) | Q(application__in=seen))
    return tasks.filter(mine)


def visible_tasks(request):
    return tasks_visible_to(request.membership)


def get_task_for_user(request, pk):
    related = ("organization", "assignee", "created_by", "completed_by", "application__job", "application__candidate")
    return get_object_or_404(visible_tasks(request).select_related(*related), pk=pk)


def may_assign(membership, application):
    """May `membership` make a task about `application` (None: about nothing), or hand one over?"""
    if application is None:
        return sees_every_task(membership)
    return applications_managed_by(membership).filter(pk=application.pk).exists()


def assignee_choices(organization, application):
    """Whom a task may go to: the organisation's active members; for a task about an application,
    those who may see it (a task about someone you can't open is no task you can do)."""
    if application is None:
        members = organization.memberships.filter(is_active=True, user__is_active=True)
    else:
        members = members_who_see(application)
    return User.objects.filter(pk__in=members.values("user_id")).order_by("name", "email")
