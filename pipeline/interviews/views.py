"""Interviews' pages: "My interviews" (and everyone's), an interview, scheduling, rescheduling, cancelling.

Every interview comes through access.get_interview_for_user (404 for what the viewer may not see);
scheduling, rescheduling and cancelling follow access.may_schedule (403 for who sees it but may not).
The rules are services.py's: these views call it and put its errors on the form's fields.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import organization_required
from jobs.access import can_view_job

from ..applications.access import get_application_for_user
from ..candidates.access import can_view_candidate
from . import selectors, services
from .access import get_interview_for_user, may_schedule
from .emails import when
from .feedback import feedback_context
from .forms import CancelForm, InterviewForm
from .slots import next_working_day_at, organizer_zone, zone_named

_NOT_YOURS = "Only recruiters and the job's hiring managers arrange its interviews."
DEFAULT_MINUTES = 60


def _names(people):
    """ "Ada, Grace and Linus" """
    people = list(people)
    if len(people) < 2:
        return "".join(people)
    return f"{', '.join(people[:-1])} and {people[-1]}"


def _interview_form(request, initial, zone):
    """The scheduling form (bound on POST), its times in `zone`, its panel the organisation's members."""
    data = request.POST if request.method == "POST" else None
    return InterviewForm(data, initial=initial, zone=zone, members=selectors.member_choices(request.organization))


@require_GET
@organization_required
def my_interviews(request):
    """The member's own interviews in three groups (one group's page with `?group=`), or, for who may see
    more than their own, every interview they may see (`?view=all`)."""
    membership = request.membership
    sees_all = selectors.sees_all_interviews(membership)
    view = "all" if sees_all and request.GET.get("view") == "all" else "mine"
    group = request.GET.get("group") if request.GET.get("group") in selectors.GROUPS else None
    ctx = {"view": view, "sees_all": sees_all, "group": None}
    if view == "all":
        page = selectors.all_interviews_page(membership, request.GET.get("page"))
        ctx |= {"page": page, "rows": selectors.mark_visible_candidates(list(page.object_list), membership)}
    elif group:
        page = selectors.my_group_page(membership, group, request.GET.get("page"))
        rows = selectors.mark_visible_candidates(list(page.object_list), membership)
        ctx |= {"page": page, "group": {"key": group, "title": selectors.GROUPS[group], "rows": rows}}
    else:
        groups = selectors.my_interviews(membership)
        selectors.mark_visible_candidates([row for g in groups.values() for row in g["rows"]], membership)
        ctx |= {"groups": list(groups.values()), "total": sum(g["count"] for g in groups.values())}
    return render(request, "pipeline/interviews/my_interviews.html", ctx)


@require_GET
@organization_required
def interview_detail(request, pk):
    interview = get_interview_for_user(request, pk)
    membership = request.membership
    panel = list(interview.panel.select_related("user"))
    busy = {}
    if interview.is_upcoming and panel:
        busy = services.find_conflicts(
            organization=interview.organization,
            users=[seat.user for seat in panel],
            starts_at=interview.starts_at,
            ends_at=interview.ends_at,
            exclude=interview,
        )
    for seat in panel:
        seat.busy = busy.get(seat.user, [])
    application = interview.application
    # The organiser's clock, where it isn't the viewer's: "10:00 for you" and "10:00 for them" differ.
    zone, organizer_time = zone_named(interview.time_zone), ""
    if zone.key != timezone.get_current_timezone_name():
        organizer_time = ", ".join(when(interview, zone))
    ctx = {
        "interview": interview,
        "organizer_time": organizer_time,
        "application": application,
        "candidate": application.candidate,
        "panel": panel,
        "on_panel": any(seat.user_id == request.user.pk for seat in panel),
        "may_schedule": not interview.is_cancelled and may_schedule(membership, application),
        # A cancelled interview no longer opens its candidate to its panel: link only what opens.
        "sees_candidate": can_view_candidate(membership, application.candidate),
        "sees_job": can_view_job(membership, application.job),
        "cancel_form": CancelForm(),
        # The scorecards' part of the page (pipeline/interviews/_feedback.html), under the blind rule.
        "feedback": feedback_context(request, interview),
    }
    return render(request, "pipeline/interviews/interview_detail.html", ctx)


def _form_page(request, form, *, application, interview=None, conflicts=None, status=200):
    ctx = {
        "form": form,
        "application": application,
        "candidate": application.candidate,
        "interview": interview,
        "conflicts": sorted(conflicts.items(), key=lambda item: item[0].get_full_name().lower()) if conflicts else [],
        "back": (
            reverse("pipeline:interview", args=[interview.pk])
            if interview
            else reverse("pipeline:candidate", args=[application.candidate_id]) + f"#application-{application.pk}"
        ),
    }
    return render(request, "pipeline/interviews/interview_form.html", ctx, status=status)


@organization_required
def schedule_interview(request, pk):
    """A new interview about an application; a panel member busy at that time is named first, and
    nothing is saved until "Schedule anyway" is ticked (or the time or panel changed)."""
    application = get_application_for_user(request, pk)
    if not may_schedule(request.membership, application):
        raise PermissionDenied(_NOT_YOURS)
    zone = organizer_zone(request.user, request.organization)
    initial = {
        "title": application.current_stage.name if application.current_stage else "Interview",
        "starts_at": next_working_day_at(zone),
        "duration_minutes": DEFAULT_MINUTES,
        "interviewers": [request.user.pk],
    }
    form = _interview_form(request, initial, zone)
    conflicts = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        panel = list(data["interviewers"])
        conflicts = services.panel_conflicts(
            organization=request.organization, interviewers=panel, starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
        )  # fmt: skip
        if not conflicts or data["schedule_anyway"]:
            try:
                services.schedule_interview(
                    application=application,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    interviewers=panel,
                    organizer=request.user,
                    title=data["title"],
                    location=data["location"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                invited = [application.candidate.full_name or application.candidate.email]
                invited += [user.get_full_name() for user in panel]
                messages.success(request, f"Interview scheduled. Invitations are on their way to {_names(invited)}.")
                url = reverse("pipeline:candidate", args=[application.candidate_id])
                return redirect(f"{url}#application-{application.pk}")
    status = 400 if form.errors else 200
    return _form_page(request, form, application=application, conflicts=conflicts, status=status)


@organization_required
def reschedule_interview(request, pk):
    """The same form, prefilled: a new time, place, title or panel (everyone concerned is told)."""
    interview = get_interview_for_user(request, pk)
    application = interview.application
    if not may_schedule(request.membership, application):
        raise PermissionDenied(_NOT_YOURS)
    if interview.is_cancelled:
        messages.info(request, "This interview is cancelled: schedule a new one from the candidate's page.")
        return redirect("pipeline:interview", interview.pk)
    zone = organizer_zone(request.user, request.organization)
    before = list(interview.interviewers.all())
    initial = {
        "title": interview.title,
        "starts_at": interview.starts_at,
        "duration_minutes": interview.duration_minutes,
        "interviewers": [user.pk for user in before],
        "location": interview.location,
    }
    form = _interview_form(request, initial, zone)
    conflicts = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        panel = list(data["interviewers"])
        conflicts = services.panel_conflicts(
            organization=request.organization, interviewers=panel, starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"], interview=interview,
        )  # fmt: skip
        if not conflicts or data["schedule_anyway"]:
            try:
                services.reschedule_interview(
                    interview=interview,
                    by=request.user,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    interviewers=panel,
                    title=data["title"],
                    location=data["location"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "Interview updated. Everyone concerned is told.")
                return redirect("pipeline:interview", interview.pk)
    status = 400 if form.errors else 200
    return _form_page(request, form, application=application, interview=interview, conflicts=conflicts, status=status)


@require_POST
@organization_required
def cancel_interview(request, pk):
    interview = get_interview_for_user(request, pk)
    if not may_schedule(request.membership, interview.application):
        raise PermissionDenied(_NOT_YOURS)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why in at most 300 characters, or leave the reason empty.")
        return redirect("pipeline:interview", interview.pk)
    try:
        interview = services.cancel_interview(interview=interview, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return redirect("pipeline:interview", interview.pk)
    if interview.ends_at > interview.cancelled_at:
        messages.success(request, "Interview cancelled. The candidate and the panel get a cancellation.")
    else:
        messages.success(request, "Interview cancelled.")
    return redirect("pipeline:interview", interview.pk)
