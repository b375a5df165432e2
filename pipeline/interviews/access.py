"""Who may see which interview and which feedback: one rule each, for every page, download and the API.

Owners, admins and recruiters see every interview of their organisation; hiring managers those of
their jobs' applications and those they are on (not the others of another job's application they
interview for); an interviewer only those they are
on. Scheduling is for whoever may manage the applications they see (recruiters, and hiring
managers on their jobs). Feedback is blind: a member on the panel of an interview of an
application sees only their own scorecard there until they have submitted one for each of its
interviews they are on; then, like everyone who sees the application, all of them.
"""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from accounts.permissions import can

from ..applications.access import applications_managed_by
from .models import Interview, PanelMember, Scorecard


def interviews_visible_to(membership):
    if membership is None or not membership.is_active:
        return Interview.objects.none()
    interviews = Interview.objects.filter(organization_id=membership.organization_id)
    if can(membership, "manage_candidates"):
        return interviews
    mine = Q(pk__in=PanelMember.objects.filter(user_id=membership.user_id).values("interview_id"))
    if can(membership, "manage_applications"):
        return interviews.filter(mine | Q(application__in=applications_managed_by(membership).values("pk")))
    return interviews.filter(mine)


def visible_interviews(request):
    return interviews_visible_to(request.membership)


def get_interview_for_user(request, pk):
    related = ("organization", "organizer", "application__job", "application__candidate", "application__current_stage")
    return get_object_or_404(visible_interviews(request).select_related(*related), pk=pk)


def may_schedule(membership, application):
    """May `membership` schedule (reschedule, cancel) an interview about `application`? Whoever takes
    its decisions (a hiring manager on another job's panel is there as an interviewer)."""
    return applications_managed_by(membership).filter(pk=application.pk).exists()


def is_on_panel(user, interview):
    return PanelMember.objects.filter(interview=interview, user=user).exists()


def _owing(user_id):
    """Seats of `user_id` on scheduled interviews they haven't given feedback on."""
    given = Scorecard.objects.filter(interview=OuterRef("interview_id"), author_id=user_id)
    return PanelMember.objects.filter(user_id=user_id, interview__status=Interview.Status.SCHEDULED).exclude(
        Exists(given)
    )


def blinded_applications(membership, application_ids):
    """Which of `application_ids` the member may not yet see others' feedback on (one query)."""
    if membership is None:
        return set()
    owing = _owing(membership.user_id).filter(interview__application_id__in=application_ids)
    return set(owing.values_list("interview__application_id", flat=True))


def scorecards_visible_to(membership, application):
    """The scorecards of `application` (which the member sees) that the member may read."""
    scorecards = Scorecard.objects.filter(
        interview__application=application, interview__organization_id=getattr(membership, "organization_id", None)
    )
    if membership is None or not membership.is_active:
        return scorecards.none()
    if application.pk in blinded_applications(membership, [application.pk]):
        return scorecards.filter(author_id=membership.user_id)
    return scorecards


def all_scorecards_visible_to(membership):
    """Every scorecard the member may read, whatever the application (the API's list): those of the
    interviews they see, under the blind rule (where they still owe feedback on an application, only
    their own there), as scorecards_visible_to reads one application's."""
    if membership is None or not membership.is_active:
        return Scorecard.objects.none()
    scorecards = Scorecard.objects.filter(interview__in=interviews_visible_to(membership).values("pk"))
    blinded = _owing(membership.user_id).values("interview__application_id")
    return scorecards.exclude(Q(interview__application_id__in=blinded) & ~Q(author_id=membership.user_id))
