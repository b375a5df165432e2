"""What interviews tell people by email: invitations with their calendar parts, updates, cancellations,
the candidate's reminder. Each message is keyed by the interview, its SEQUENCE and its recipient,
so whatever sends it twice (a retried task, a double click) queues it once."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats

from mail import services as mail
from mail.defaults import DEFAULT_TEMPLATES
from mail.models import EmailTemplate

from ..applications import emails as application_emails
from . import calendar
from .slots import zone_named

INVITATION = "interview_invitation"
PANEL_INVITATION = "interview_panel"
CANCELLATION = "interview_cancelled"
PANEL_CANCELLATION = "interview_panel_cancelled"
REMINDER = "interview_reminder"


def when(interview, zone):
    """("Tuesday 8 December 2026", "10:00 CET") of the interview's start in `zone`."""
    start = interview.starts_at.astimezone(zone)
    return formats.date_format(start, "l j F Y"), f"{start:%H:%M} {start.tzname()}"


def page_url(interview):
    return settings.SITE_URL + reverse("pipeline:interview", args=[interview.pk])


def values_for(interview, *, zone, sender=None, to_candidate=False):
    """The template values of `interview`'s application, with the interview.* variables filled in `zone`;
    `to_candidate`: with their status link (applications.emails.values_for)."""
    date, time = when(interview, zone)
    return {
        **application_emails.values_for(interview.application, sender=sender, to_candidate=to_candidate),
        "interview.date": date,
        "interview.time": time,
        "interview.place": interview.location,
        "interview.url": page_url(interview),
    }


def _template(organization, key):
    """The organisation's active template `key`; else the built-in one (an unsaved copy): an
    invitation is owed to the candidate whatever happened to its template."""
    template = EmailTemplate.objects.filter(organization=organization, key=key, is_active=True).first()
    if template is not None:
        return template
    for default_key, name, category, subject, html in DEFAULT_TEMPLATES:
        if default_key == key:
            return EmailTemplate(organization=organization, key=key, name=name, category=category,
                                 subject=subject, html_body=html)  # fmt: skip
    raise LookupError(key)


def _queue(interview, *, key, to, values, template, ics=None, method=calendar.REQUEST, prefix="", sender):
    organization = interview.organization
    subject, html, text = mail.render_template(template, values)
    return mail.queue_email(
        organization=organization, to=to, subject=f"{prefix}{subject}", html=html, text=text,
        template=template if template.pk else None, values=values, related=interview.application,
        reply_to=sender.email if sender else "", sent_by=sender, idempotency_key=key,
        attachments=calendar.attachments(ics, method) if ics else (),
    )  # fmt: skip


def _key(interview, audience):
    return f"interview:{interview.pk}:{interview.sequence}:{audience}"


def to_candidate(interview, *, method=calendar.REQUEST, template_key=None, prefix=""):
    """The candidate's invitation (or update, or cancellation), in the organiser's zone."""
    application = interview.application
    candidate = application.candidate
    sender = interview.organizer
    values = values_for(interview, zone=zone_named(interview.time_zone), sender=sender, to_candidate=True)
    ics = calendar.build(
        interview, audience=calendar.CANDIDATE, attendees=[(candidate.email, candidate.full_name)], method=method,
        summary=f"{interview.title} — {application.job.organization.name}",
        description=f"{application.job.title} at {application.job.organization.name}.",
    )  # fmt: skip
    if template_key is None:
        template_key = CANCELLATION if method == calendar.CANCEL else INVITATION
    return _queue(
        interview, key=_key(interview, "candidate"), to=[candidate.email], values=values,
        template=_template(interview.organization, template_key), ics=ics, method=method, prefix=prefix,
        sender=sender,
    )  # fmt: skip


def panel_calendar(interview, attendees, *, method=calendar.REQUEST, uninvite=False):
    """The panel's event (.ics bytes) listing `attendees` (users): what the panel's invitations carry,
    and what the API's download gives a member (never the candidate's event)."""
    candidate = interview.application.candidate
    url = page_url(interview)
    return calendar.build(
        interview, audience=calendar.PANEL, attendees=[(user.email, user.name or user.email) for user in attendees],
        method=method, summary=f"{interview.title}: {candidate.full_name}",
        description=f"{interview.application.job.title}. The candidate, and your scorecard: {url}", url=url,
        uninvite=uninvite,
    )  # fmt: skip


def to_panel(interview, users, *, attendees, method=calendar.REQUEST, prefix="", uninvite=False):
    """Each of `users` gets the panel's event (listing `attendees`, users), in their own zone;
    `uninvite`: a cancellation for them alone (see calendar.build)."""
    if not users:
        return []
    ics = panel_calendar(interview, attendees, method=method, uninvite=uninvite)
    organization = interview.organization
    # One template for the whole panel; the values are each member's (their own zone).
    template = _template(organization, PANEL_CANCELLATION if method == calendar.CANCEL else PANEL_INVITATION)
    messages = []
    for user in users:
        values = values_for(
            interview, zone=zone_named(user.timezone or organization.timezone), sender=interview.organizer
        )
        message = _queue(
            interview, key=_key(interview, f"user:{user.pk}"), to=[user.email], values=values,
            template=template, ics=ics, method=method, prefix=prefix, sender=interview.organizer,
        )  # fmt: skip
        messages.append(message)
    return messages


def reminder(interview):
    """The candidate's reminder, once per time the interview is set for (no calendar part: their
    calendar has the event already)."""
    sender = interview.organizer
    values = values_for(interview, zone=zone_named(interview.time_zone), sender=sender, to_candidate=True)
    return _queue(
        interview, key=_key(interview, "reminder"), to=[interview.application.candidate.email], values=values,
        template=_template(interview.organization, REMINDER), sender=sender,
    )  # fmt: skip
