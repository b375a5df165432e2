"""Scoped lookups for candidates and applications: other organisations' rows are 404."""

from django.shortcuts import get_object_or_404

from accounts.permissions import can
from jobs.access import visible_jobs

from .models import Application, ApplicationFormAnswer, Candidate


def visible_candidates(request):
    candidates = Candidate.objects.filter(organization=request.organization)
    if can(request.membership, "manage_candidates"):
        return candidates
    if not can(request.membership, "manage_applications"):
        # Interviewers will see the candidates of their interviews (a later step); until then, none.
        return candidates.none()
    return candidates.filter(applications__job__in=visible_jobs(request)).distinct()


def get_candidate_for_user(request, pk):
    return get_object_or_404(visible_candidates(request), pk=pk)


def get_answer_for_user(request, pk):
    return get_object_or_404(
        ApplicationFormAnswer.objects.select_related("application"),
        pk=pk,
        application__job__in=visible_jobs(request),
    )


def get_application_for_user(request, pk):
    return get_object_or_404(
        Application.objects.select_related("job", "candidate", "current_stage"),
        pk=pk,
        job__in=visible_jobs(request),
    )
