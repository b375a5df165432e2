"""Calendar invitations (iCalendar, RFC 5545, sent by email as iMIP, RFC 6047) for an interview.

The candidate and the panel get two different events, each with its own UID: the candidate's
lists only the candidate as attendee and says nothing internal; the panel's lists the interviewers
and links to the candidate's page. One shared UID would have to be one event for everyone, and a
calendar that receives both (a shared mailbox, a forwarded invitation) would merge the panel's
details into the candidate's event. Both carry the interview's SEQUENCE, which each reschedule
and the cancellation raise, so calendars replace the event they already have.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from mail.services import Attachment, sender_address

from .slots import zone_named

PRODID = "-//Open ATS//Interviews//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"
CANDIDATE, PANEL = "candidate", "panel"


def uid(interview, audience):
    """A stable, globally unique UID per interview and audience."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"{audience}-{interview.uid}@{host}"


def _address(email, name=""):
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def _organizer(interview):
    user = interview.organizer
    if user is not None:
        return _address(user.email, user.name or user.email)
    name_address = sender_address(interview.organization)
    name, _, email = name_address.rpartition("<")
    return _address(email.rstrip(">") or name_address, name.strip().strip('"'))


def build(interview, *, audience, attendees, method=REQUEST, summary, description="", url="", uninvite=False):
    """The .ics bytes of `interview` for `audience` (CANDIDATE or PANEL), as `method` (REQUEST or CANCEL).

    `attendees` is [(email, name)]. `uninvite`: a CANCEL to `attendees` only, taken off an event
    that goes on for others, which carries no STATUS (RFC 5546, 3.2.5). Times are written in the
    interview's zone with its VTIMEZONE (icalendar's add_missing_timezones), so a calendar shows
    the organiser's 10:00 as the organiser meant it, whatever the DST rules do in between.
    """
    zone = zone_named(interview.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid(interview, audience))
    event.add("sequence", interview.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", interview.starts_at.astimezone(zone))
    event.add("dtend", interview.ends_at.astimezone(zone))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if interview.location:
        event.add("location", interview.location)
    if url:
        event.add("url", url)
    event.add("organizer", _organizer(interview))
    for email, name in attendees:
        attendee = _address(email, name)
        attendee.params.update(
            {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE", "CUTYPE": "INDIVIDUAL"}
        )
        event.add("attendee", attendee, encode=0)
    if not uninvite:
        event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def attachments(ics, method=REQUEST):
    """The two parts an invitation email carries (RFC 6047): the calendar as an alternative body,
    which mail clients show as an invitation, and the same bytes as invite.ics for everyone else."""
    mimetype = f"text/calendar; method={method}"
    return [
        Attachment("invite.ics", ics, mimetype, as_alternative=True),
        Attachment("invite.ics", ics, mimetype),
    ]
