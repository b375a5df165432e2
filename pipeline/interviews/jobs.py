"""Background jobs of interviews (django-q2): telling the panel, the candidate's reminder, and asking
the panel for feedback once it is over (then again once it is overdue)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Category
from notifications.services import notify

from . import emails
from .models import Interview, PanelMember, Scorecard
from .services import FEEDBACK_OVERDUE_AFTER, REMINDER_BEFORE, REMINDER_LEAD
from .slots import zone_named

# Interviews per sweep and kind: a backlog is worked through over the following sweeps.
BATCH = 200


def _url(interview):
    return reverse("pipeline:interview", args=[interview.pk])


def _scheduled():
    return Interview.objects.filter(status=Interview.Status.SCHEDULED).select_related(
        "organization", "organizer", "application__job__organization", "application__candidate"
    )


def notify_scheduled(interview_id, user_ids, actor_id=None):
    """Tell the members put on an interview's panel (those still on it, while it is scheduled)."""
    interview = _scheduled().filter(pk=interview_id).first()
    if interview is None:
        return
    users = User.objects.filter(pk__in=user_ids, panel_seats__interview=interview)
    candidate = interview.application.candidate
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    for user in users:
        date, time = emails.when(interview, zone_named(user.timezone or interview.organization.timezone))
        notify(
            category=Category.INTERVIEW_SCHEDULED, recipients=[user], organization=interview.organization,
            actor=actor,
            key=f"interview:{interview.pk}:{interview.sequence}:scheduled",
            title=f"{interview.title} with {candidate.full_name}",
            body=f"{date}, {time}", url=_url(interview), target=interview.application,
            subject=interview.application.job.title,
        )  # fmt: skip


def sweep(*, now=None):
    """Every few minutes: the candidate's reminder before an interview, the panel's feedback request
    once it is over, and a second request once that is overdue. Each is claimed on the interview
    (a conditional UPDATE), so two sweeps never send one twice. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    due = _scheduled().filter(reminder_sent_at=None, starts_at__gt=now, starts_at__lte=now + REMINDER_BEFORE)
    for interview in due[:BATCH]:
        if _claim(interview, "reminder_sent_at", now) and interview.scheduled_at <= interview.starts_at - REMINDER_LEAD:
            with transaction.atomic():
                emails.reminder(interview)
            sent += 1
    for interview in _scheduled().filter(feedback_requested_at=None, ends_at__lte=now)[:BATCH]:
        if _claim(interview, "feedback_requested_at", now):
            # Found only once already overdue (the sweeper was off): one request, the overdue one.
            overdue = interview.ends_at <= now - FEEDBACK_OVERDUE_AFTER and _claim(
                interview, "feedback_reminded_at", now
            )
            sent += _ask_feedback(interview, overdue=bool(overdue))
    overdue = _scheduled().filter(feedback_reminded_at=None, ends_at__lte=now - FEEDBACK_OVERDUE_AFTER)
    for interview in overdue[:BATCH]:
        if _claim(interview, "feedback_reminded_at", now):
            sent += _ask_feedback(interview, overdue=True)
    return sent


def _claim(interview, field, now):
    return Interview.objects.filter(pk=interview.pk, **{field: None}).update(**{field: now})


def _ask_feedback(interview, *, overdue):
    """Ask each interviewer who hasn't given feedback on `interview` for it; 1 if anyone was asked."""
    # Not NULL (a former member's): `user NOT IN (…, NULL)` would be true for nobody.
    given = Scorecard.objects.filter(interview=interview, author__isnull=False).values("author_id")
    owing = [
        seat.user
        for seat in PanelMember.objects.filter(interview=interview).exclude(user__in=given).select_related("user")
    ]
    if not owing:
        return 0
    candidate = interview.application.candidate
    title = f"{'Overdue: your' if overdue else 'Your'} feedback on {candidate.full_name} ({interview.title})"
    notify(
        category=Category.FEEDBACK_REQUESTED, recipients=owing, organization=interview.organization,
        key=f"interview:{interview.pk}:{interview.sequence}:{'overdue' if overdue else 'feedback'}", title=title,
        body="Rate the candidate and give your recommendation while it is fresh.", url=_url(interview),
        target=interview.application, subject=interview.application.job.title,
    )  # fmt: skip
    return 1
