"""Reads of interviews: "My interviews" (upcoming, owing feedback, done), everyone's list, the interviews
of a candidate's applications, and who on a panel is busy elsewhere at the same time.

Each function is a fixed number of queries, however many interviews there are.
"""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import can

from ..candidates.access import visible_candidate_ids
from .access import interviews_visible_to
from .models import Interview, PanelMember, Scorecard

User = get_user_model()

# "My interviews" shows this many of each group; the group's own page shows the rest, a page at a time.
SHOWN = 10
PER_PAGE = 50
GROUPS = {"upcoming": "Upcoming", "feedback": "Needs your feedback", "done": "Done"}
# What a row shows: the candidate's name, not their resume and parsed profile.
_ROW_RELATED = ("application__job", "application__candidate")
_ROW_FIELDS = (
    *("title", "starts_at", "ends_at", "duration_minutes", "location", "status", "organization_id"),
    *("application__job__title", "application__candidate__first_name", "application__candidate__last_name"),
    *("application__candidate_id", "application__job_id", "application__status"),
)
_PANEL = Prefetch("panel", queryset=PanelMember.objects.select_related("user").order_by("pk"))


def listed(interviews):
    return interviews.select_related(*_ROW_RELATED).only(*_ROW_FIELDS)


def _seated(user_id, organization_id):
    """The organisation's interviews whose panel `user_id` is on."""
    seats = PanelMember.objects.filter(user_id=user_id).values("interview_id")
    return Interview.objects.filter(organization_id=organization_id, pk__in=seats)


def _given(user_id):
    """Is there a scorecard of `user_id` on the interview (OuterRef "pk")?"""
    return Exists(Scorecard.objects.filter(interview=OuterRef("pk"), author_id=user_id))


def _group_filters(user_id, now):
    """The conditions of the three groups of "My interviews": each interview is in exactly one."""
    scheduled = Q(status=Interview.Status.SCHEDULED)
    over = Q(ends_at__lte=now)
    return {
        "upcoming": scheduled & ~over,
        "feedback": scheduled & over & ~Q(_given(user_id)),
        "done": Q(status=Interview.Status.CANCELLED) | (scheduled & over & Q(_given(user_id))),
    }


# Upcoming soonest first; what is over, the most recent first.
_ORDER = {"upcoming": ("starts_at", "pk"), "feedback": ("-starts_at", "-pk"), "done": ("-starts_at", "-pk")}


def my_interviews(membership, *, shown=SHOWN, now=None):
    """{group: {"count", "rows", "title"}} of the member's own interviews (where they are on the panel),
    each group's first `shown` rows. Four queries: the counts in one, then the rows of each group
    that has any (and none for a member on no panel)."""
    now = now or timezone.now()
    mine = _seated(membership.user_id, membership.organization_id)
    filters = _group_filters(membership.user_id, now)
    counts = mine.aggregate(**{key: Count("pk", filter=condition) for key, condition in filters.items()})
    groups = {}
    for key, condition in filters.items():
        rows = list(listed(mine.filter(condition).order_by(*_ORDER[key]))[:shown]) if counts[key] else []
        groups[key] = {"key": key, "title": GROUPS[key], "count": counts[key], "rows": rows}
    return groups


def my_group_page(membership, group, number, *, now=None):
    """One page of one group of "My interviews" (its "show all")."""
    now = now or timezone.now()
    mine = _seated(membership.user_id, membership.organization_id)
    condition = _group_filters(membership.user_id, now)[group]
    return Paginator(listed(mine.filter(condition).order_by(*_ORDER[group])), PER_PAGE).get_page(number)


def sees_all_interviews(membership):
    """Recruiters and hiring managers may list more than their own interviews ("All interviews")."""
    return can(membership, "manage_applications")


def all_interviews_page(membership, number, *, now=None):
    """A page of the interviews the member may see: the upcoming ones soonest first, then what is over or
    cancelled, the most recent first. Each row has `is_past` and its panel (two queries, and the count)."""
    now = now or timezone.now()
    upcoming = Q(status=Interview.Status.SCHEDULED, ends_at__gt=now)
    interviews = interviews_visible_to(membership).annotate(
        is_past=Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()),
        upcoming_at=Case(When(upcoming, then=F("starts_at"))),
    )
    ordered = interviews.order_by("is_past", F("upcoming_at").asc(nulls_last=True), "-starts_at", "pk")
    return Paginator(listed(ordered).prefetch_related(_PANEL), PER_PAGE).get_page(number)


def upcoming_for_dashboard(membership, *, shown=5, now=None):
    """The next few interviews for a recruiter's or hiring manager's dashboard: every one they may see
    (recruiters), or those they are on or organised (hiring managers). One query."""
    now = now or timezone.now()
    if can(membership, "manage_candidates"):
        interviews = interviews_visible_to(membership)
    else:
        seats = PanelMember.objects.filter(user_id=membership.user_id).values("interview_id")
        interviews = interviews_visible_to(membership).filter(Q(pk__in=seats) | Q(organizer_id=membership.user_id))
    upcoming = interviews.filter(status=Interview.Status.SCHEDULED, ends_at__gt=now).order_by("starts_at", "pk")
    return list(listed(upcoming)[:shown])


def for_applications(membership, applications, *, panel=True):
    """{application id: [interview]} of `applications` that the member may see (interviews_visible_to),
    upcoming first (soonest first), then what is over or cancelled (the most recent first). One query,
    and one for their panels."""
    ids = [application.pk for application in applications]
    found = {pk: [] for pk in ids}
    if not ids:
        return found
    interviews = interviews_visible_to(membership).filter(application_id__in=ids)
    interviews = interviews.select_related("organizer", "created_by")
    if panel:
        interviews = interviews.prefetch_related(_PANEL)
    for interview in sorted(interviews, key=_upcoming_first):
        found[interview.application_id].append(interview)
    return found


def membership_of(user, organization_id):
    """`user`'s active membership of the organisation (the candidate timeline's providers are given a user)."""
    return Membership.objects.filter(user_id=user.pk, organization_id=organization_id, is_active=True).first()


def _upcoming_first(interview):
    if interview.is_upcoming:
        return (0, interview.starts_at.timestamp())
    return (1, -interview.starts_at.timestamp())


def busy_elsewhere(interviews):
    """{interview id: {user id: [their other scheduled interviews overlapping it]}} for the panels of
    `interviews` (with their panel prefetched) still to come. One query (none when nothing is to come).

    services.find_conflicts asks about one time; this asks about several at once, for a list.
    """
    upcoming = [interview for interview in interviews if interview.is_upcoming]
    if not upcoming:
        return {}
    users = {seat.user_id for interview in upcoming for seat in interview.panel.all()}
    if not users:
        return {}
    overlaps = Q()
    for interview in upcoming:
        overlaps |= Q(interview__starts_at__lt=interview.ends_at, interview__ends_at__gt=interview.starts_at)
    seats = (
        PanelMember.objects.filter(
            overlaps,
            user_id__in=users,
            interview__organization_id=upcoming[0].organization_id,
            interview__status=Interview.Status.SCHEDULED,
        )
        .select_related("interview")
        .only("user_id", "interview__starts_at", "interview__ends_at", "interview__title")
        .order_by("interview__starts_at")
    )
    seats = list(seats)
    found = {}
    for interview in upcoming:
        panel = {seat.user_id for seat in interview.panel.all()}
        for seat in seats:
            other = seat.interview
            if (
                seat.user_id in panel
                and other.pk != interview.pk
                and other.starts_at < interview.ends_at
                and other.ends_at > interview.starts_at
            ):
                found.setdefault(interview.pk, {}).setdefault(seat.user_id, []).append(other)
    return found


def mark_busy(interviews):
    """Set `seat.busy` ([other interviews at the same time]) on each panel seat of `interviews`, and
    `interview.has_conflict`. One query (see busy_elsewhere)."""
    found = busy_elsewhere(interviews)
    for interview in interviews:
        busy = found.get(interview.pk, {})
        for seat in interview.panel.all():
            seat.busy = busy.get(seat.user_id, [])
        interview.has_conflict = bool(busy)
    return interviews


def mark_visible_candidates(interviews, membership):
    """Set `interview.sees_candidate` on each (one query at most): a name links only where the viewer may
    open it. A cancelled interview no longer shows its candidate to the panel."""
    seen = visible_candidate_ids(membership, {interview.application.candidate_id for interview in interviews})
    for interview in interviews:
        interview.sees_candidate = interview.application.candidate_id in seen
    return interviews


def member_choices(organization):
    """Who may sit on a panel: the organisation's active members, each with `role` (their role's label)."""
    role = Membership.objects.filter(user_id=OuterRef("pk"), organization_id=organization.pk).values("role")[:1]
    users = User.objects.filter(
        is_active=True, memberships__organization_id=organization.pk, memberships__is_active=True
    ).annotate(role=Subquery(role))
    return users.order_by("name", "email")
