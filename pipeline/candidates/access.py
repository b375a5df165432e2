"""Who may see which candidate: derived from the application rule, so a page and a download agree.

Recruiters and admins see every candidate of their organisation; others see a
person only through an application they may see.
"""

from django.shortcuts import get_object_or_404

from accounts.permissions import can

from ..applications.access import applications_visible_to, members_who_see_jobs
from .models import Candidate


def sees_every_candidate(membership):
    """Recruiters and admins: every candidate of their organisation (else only through applications)."""
    return membership is not None and membership.is_active and can(membership, "manage_candidates")


def candidates_visible_to(membership):
    if membership is None or not membership.is_active:
        return Candidate.objects.none()
    candidates = Candidate.objects.filter(organization_id=membership.organization_id)
    if sees_every_candidate(membership):
        return candidates
    return candidates.filter(pk__in=applications_visible_to(membership).values("candidate_id"))


def members_who_see_candidate(candidate):
    """The active members who may see `candidate`: every recruiter, and whoever sees one of their applications."""
    applications = candidate.applications.values_list("pk", "job_id")
    return members_who_see_jobs(
        candidate.organization_id, [job for _, job in applications], [pk for pk, _ in applications]
    )


def visible_candidate_ids(membership, candidate_ids):
    """Which of `candidate_ids` the member may open (one query at most): for lists that name people
    and link only the names the viewer can follow."""
    candidate_ids = set(candidate_ids)
    if not candidate_ids:
        return set()
    if sees_every_candidate(membership):
        return candidate_ids
    return set(candidates_visible_to(membership).filter(pk__in=candidate_ids).values_list("pk", flat=True))


def can_view_candidate(membership, candidate):
    return candidates_visible_to(membership).filter(pk=candidate.pk).exists()


def visible_candidates(request):
    return candidates_visible_to(request.membership)


def get_candidate_for_user(request, pk):
    return get_object_or_404(visible_candidates(request), pk=pk)
