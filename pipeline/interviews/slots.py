"""When an interview goes: the slot rules of meeting actions, and the zone times are set in."""

import datetime
import zoneinfo

from django.utils import timezone

from accounts.middleware import viewer_zone

WORKING_DAYS = range(0, 5)  # Monday to Friday
DEFAULT_HOUR = 10
# How far from now an interview may be set: far enough for any real plan, near enough that a slip
# of the year (2062 for 2026) is caught.
EARLIEST, LATEST = datetime.timedelta(days=366), datetime.timedelta(days=3 * 366)


def bookable_window(now=None):
    """(first, last): the instants an interview may be set between, as typed in a form or an API call."""
    now = now or timezone.now()
    return now - EARLIEST, now + LATEST


def organizer_zone(organizer, organization):
    """The zone an interview is arranged in: its organiser's own, else the organisation's, else UTC."""
    return viewer_zone(organizer, organization)


def next_working_day_at(zone, *, hour=DEFAULT_HOUR, now=None):
    """The next Monday-to-Friday after today in `zone`, at `hour`:00 there (an aware instant).

    "Today" and "10:00" are the zone's own, so a DST change in between moves the instant in UTC
    and not the hour on the clock. A wall time that doesn't exist (a spring-forward gap) or exists
    twice is resolved as zoneinfo does (fold=0), which never happens at 10:00 in any real zone.
    """
    now = now or timezone.now()
    day = now.astimezone(zone).date() + datetime.timedelta(days=1)
    while day.weekday() not in WORKING_DAYS:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def zone_named(name):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
