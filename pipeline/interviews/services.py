"""Interviews scheduled, rescheduled and cancelled (each time with the invitations calendars accept),
and the scorecards their panel submits. The HTML views, the stage actions and the API all come here."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership

from .. import reactions
from ..applications.models import Application
from . import calendar, emails
from .models import Interview, PanelMember, Scorecard
from .slots import organizer_zone

MIN_MINUTES, MAX_MINUTES = 5, 8 * 60
# How long the panel may take before being reminded that their feedback is owed.
FEEDBACK_OVERDUE_AFTER = timedelta(hours=24)
# The candidate's reminder goes this long before, for an interview arranged at least REMINDER_LEAD before it.
REMINDER_BEFORE = timedelta(hours=24)
REMINDER_LEAD = timedelta(hours=36)


def find_conflicts(*, organization, users, starts_at, ends_at, exclude=None):
    """{user: [their other scheduled interviews overlapping starts_at..ends_at]}, for those who have any."""
    seats = (
        PanelMember.objects.filter(
            user__in=users, interview__organization=organization, interview__status=Interview.Status.SCHEDULED,
            interview__starts_at__lt=ends_at, interview__ends_at__gt=starts_at,
        )
        .exclude(interview_id=getattr(exclude, "pk", None))
        .select_related("user", "interview")
        .order_by("interview__starts_at")
    )  # fmt: skip
    found = {}
    for seat in seats:
        found.setdefault(seat.user, []).append(seat.interview)
    return found


def panel_conflicts(*, organization, interviewers, starts_at, duration_minutes, interview=None):
    """find_conflicts for what a scheduling brings: the whole panel for a new interview or a new time;
    for a reschedule at the same time, only those joining the panel (the others were asked before)."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    if interview is not None and (starts_at, duration_minutes) == (interview.starts_at, interview.duration_minutes):
        before = set(interview.interviewers.all())
        interviewers = [user for user in interviewers if user not in before]
    if not interviewers:
        return {}
    return find_conflicts(
        organization=organization, users=interviewers, starts_at=starts_at, ends_at=ends_at, exclude=interview
    )


def _check(*, organization, application, starts_at, duration_minutes, interviewers, title, location):
    errors = {}
    if application.status != Application.Status.ACTIVE:
        errors["starts_at"] = [
            f"This application is {application.get_status_display().lower()}: bring it back before scheduling."
        ]
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = ["Give a date and time."]
    if not (MIN_MINUTES <= (duration_minutes or 0) <= MAX_MINUTES):
        errors["duration_minutes"] = [
            f"An interview lasts between {MIN_MINUTES} minutes and {MAX_MINUTES // 60} hours."
        ]
    if not " ".join((title or "").split()):
        errors["title"] = ["Give the interview a title."]
    if len(location or "") > 300:
        errors["location"] = ["At most 300 characters."]
    members = set(
        Membership.objects.filter(
            organization=organization, user__in=interviewers, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    strangers = [user for user in interviewers if user.pk not in members]
    if strangers:
        names = ", ".join(user.name or user.email for user in strangers)
        errors["interviewers"] = [f"Not an active member of the organisation: {names}."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_interview(*, application, starts_at, duration_minutes, interviewers, organizer, title, location="",
                       by=None, key=None, candidate_template=None):  # fmt: skip
    """A new interview: the candidate and each interviewer get an invitation with a calendar event.

    The time is kept as an instant; the organiser's zone (their own, else the organisation's) is
    the one their invitations speak. With a `key` ("action-run:<id>") a second call returns the
    first call's interview and sends nothing. `candidate_template`: the key of the candidate's
    invitation template (default "interview_invitation"). Raises ValidationError, keyed by field.
    """
    if key and (existing := Interview.objects.filter(key=key).first()) is not None:
        return existing
    organization = application.job.organization
    interviewers = list(dict.fromkeys(interviewers))
    _check(organization=organization, application=application, starts_at=starts_at,
           duration_minutes=duration_minutes, interviewers=interviewers, title=title, location=location)  # fmt: skip
    interview = Interview(
        organization=organization, application=application, title=" ".join(title.split())[:200],
        starts_at=starts_at, duration_minutes=duration_minutes, location=(location or "").strip(),
        time_zone=organizer_zone(organizer, organization).key, organizer=organizer, created_by=by, key=key or None,
    )  # fmt: skip
    try:
        with transaction.atomic():
            interview.save()
    except IntegrityError:
        if not key:
            raise
        return Interview.objects.get(key=key)  # made at the same instant by another run of the same work
    PanelMember.objects.bulk_create(PanelMember(interview=interview, user=user) for user in interviewers)
    emails.to_candidate(interview, template_key=candidate_template)
    emails.to_panel(interview, interviewers, attendees=interviewers)
    reactions.interview_scheduled(interview, [user.pk for user in interviewers], by=by)
    return interview


def _locked(interview):
    # of=("self",): the organiser is a nullable join, which PostgreSQL can't lock.
    locked = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("organization", "organizer", "application__job__organization", "application__candidate")
        .get(pk=interview.pk)
    )
    if locked.status != Interview.Status.SCHEDULED:
        raise ValidationError("This interview is cancelled.")
    return locked


@transaction.atomic
def reschedule_interview(*, interview, by, starts_at, duration_minutes, interviewers, title, location=""):
    """Change an interview's time, place, title or panel; everyone concerned hears of it.

    Same UID, higher SEQUENCE: the candidate gets an update when the time, place or title changed;
    the panel, as it now stands, gets the updated event; whoever left the panel gets a cancellation.
    Returns the interview; ValidationError when nothing changed or a value is wrong.
    """
    interview = _locked(interview)
    interviewers = list(dict.fromkeys(interviewers))
    _check(organization=interview.organization, application=interview.application, starts_at=starts_at,
           duration_minutes=duration_minutes, interviewers=interviewers, title=title, location=location)  # fmt: skip
    title, location = " ".join(title.split())[:200], (location or "").strip()
    before = list(interview.interviewers.all())
    moved = (interview.starts_at, interview.duration_minutes) != (starts_at, duration_minutes)
    details_changed = moved or (interview.title, interview.location) != (title, location)
    added = [user for user in interviewers if user not in before]
    removed = [user for user in before if user not in interviewers]
    if not (details_changed or added or removed):
        raise ValidationError("Nothing changed.")
    interview.starts_at, interview.duration_minutes, interview.title, interview.location = (
        starts_at, duration_minutes, title, location,
    )  # fmt: skip
    interview.sequence += 1
    fields = ["starts_at", "duration_minutes", "title", "location", "sequence", "updated_at"]
    if moved:
        # A new time owes a new reminder, and feedback is asked for after the new end.
        interview.scheduled_at = timezone.now()
        interview.reminder_sent_at = interview.feedback_requested_at = interview.feedback_reminded_at = None
        fields += ["scheduled_at", "reminder_sent_at", "feedback_requested_at", "feedback_reminded_at"]
    interview.save(update_fields=fields)
    PanelMember.objects.filter(interview=interview, user__in=removed).delete()
    PanelMember.objects.bulk_create(PanelMember(interview=interview, user=user) for user in added)
    if details_changed:
        emails.to_candidate(interview, prefix="Updated: ")
        emails.to_panel(interview, interviewers, attendees=interviewers, prefix="Updated: ")
    else:
        emails.to_panel(interview, interviewers, attendees=interviewers)
    emails.to_panel(interview, removed, attendees=removed, method=calendar.CANCEL, uninvite=True)
    if added:
        reactions.interview_scheduled(interview, [user.pk for user in added], by=by)
    return interview


@transaction.atomic
def cancel_interview(*, interview, by, reason="", tell_candidate=True):
    """Cancel an interview still to come: the candidate (unless not `tell_candidate`) and the panel
    get a cancellation of the same event. One that has begun took place: it can't be cancelled
    (its panel owes feedback, and the blind rule waits for it)."""
    interview = _locked(interview)
    now = timezone.now()
    if interview.starts_at <= now:
        raise ValidationError("This interview has begun: it can't be cancelled any more.")
    interview.status = Interview.Status.CANCELLED
    interview.sequence += 1
    interview.cancelled_at = now
    interview.cancel_reason = " ".join((reason or "").split())[:300]
    interview.save(update_fields=["status", "sequence", "cancelled_at", "cancel_reason", "updated_at"])
    panel = list(interview.interviewers.all())
    if tell_candidate:
        emails.to_candidate(interview, method=calendar.CANCEL)
    emails.to_panel(interview, panel, attendees=panel, method=calendar.CANCEL)
    return interview


def cancel_upcoming(application, *, reason):
    """An application decided (rejected, withdrawn, hired): its interviews still to come are cancelled.
    Called in the decision's transaction, by dotted path from pipeline.reactions.

    Only the panel is told: the candidate hears of the decision itself, when it is sent (a
    rejection email may wait days, and a cancellation now would tell them first). One cancelled or
    begun meanwhile by someone else is left as it is.
    """
    upcoming = Interview.objects.filter(
        application=application, status=Interview.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    for interview in upcoming:
        try:
            cancel_interview(interview=interview, by=None, reason=reason, tell_candidate=False)
        except ValidationError:
            continue


# --- Scorecards --------------------------------------------------------------------------------


def _ratings(job, ratings):
    """The ratings as stored: [{"attribute", "name", "rating"}] in the job's order, unrated ones left out."""
    stored, errors = [], []
    for attribute in job.scorecard_attributes.all():
        value = ratings.get(attribute.pk)
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = 0
        if value not in Scorecard.RATINGS:
            errors.append(f"{attribute.name}: choose a rating from 1 to 5.")
            continue
        stored.append({"attribute": attribute.pk, "name": attribute.name, "rating": value})
    if errors:
        raise ValidationError({"ratings": errors})
    return stored


@transaction.atomic
def submit_scorecard(*, interview, author, recommendation, ratings=None, notes=""):
    """`author`'s feedback on `interview` (a second submission replaces their first).

    `ratings` is {job attribute id: 1-5 or None}. Only the interview's panel writes one, once the
    interview has begun and unless it was cancelled. Returns the scorecard.
    """
    interview = (
        Interview.objects.select_for_update(of=("self",)).select_related("application__job").get(pk=interview.pk)
    )
    if interview.status != Interview.Status.SCHEDULED:
        raise ValidationError("This interview was cancelled: there is no feedback to give.")
    if not PanelMember.objects.filter(interview=interview, user=author).exists():
        raise ValidationError("Only the interview's panel gives feedback on it.")
    if interview.starts_at > timezone.now():
        raise ValidationError("Feedback opens when the interview begins.")
    errors = {}
    if recommendation not in Scorecard.Recommendation.values:
        errors["recommendation"] = ["Choose a recommendation."]
    notes = (notes or "").strip()
    if len(notes) > 10000:
        errors["notes"] = ["At most 10,000 characters."]
    try:
        stored = _ratings(interview.application.job, ratings or {})
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    scorecard, created = Scorecard.objects.update_or_create(
        interview=interview, author=author,
        defaults={"recommendation": recommendation, "ratings": stored, "notes": notes},
    )  # fmt: skip
    reactions.scorecard_submitted(scorecard, created=created)
    return scorecard
