"""The daily digest: a member's unread notifications of the categories they chose "digest" for, in one email.

A job every 15 minutes (setup_schedules) asks, for each member with something waiting, whether their
local time has passed their digest time today and today's digest hasn't gone. The local day, not
the hour, decides: on the day clocks go forward a skipped 02:30 is simply passed at 03:00, and on
the day they go back the repeated hour finds today's date already sent.
"""

from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import viewer_zone
from accounts.models import Membership, User
from mail import services as mail

from .models import DigestSchedule, Notification


def _zone(user):
    membership = Membership.objects.filter(user=user, is_active=True).select_related("organization").first()
    return viewer_zone(user, membership.organization if membership else None)


def send_due_digests(*, now=None):
    """Send every digest whose time has come; returns how many members got one."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(digest_pending=True, read_at__isnull=True).values("recipient_id")
    sent = 0
    for user in User.objects.filter(pk__in=waiting, is_active=True).select_related("digest_schedule"):
        schedule = getattr(user, "digest_schedule", None) or DigestSchedule(user=user)
        local = now.astimezone(_zone(user))
        if local.time() >= schedule.send_at and schedule.last_sent_on != local.date():
            sent += send_digest(user=user, day=local.date())
    return sent


@transaction.atomic
def send_digest(*, user, day):
    """`user`'s digest for local day `day`, one email per organisation; 0 when it went already or nothing waits."""
    schedule, _ = DigestSchedule.objects.select_for_update().get_or_create(user=user)
    if schedule.last_sent_on == day:
        return 0  # another run got here first
    pending = Notification.objects.filter(recipient=user, digest_pending=True)
    # Only of the organisations they are still an active member of: one who left hears no more of it.
    unread = pending.filter(
        read_at__isnull=True, organization__memberships__user=user, organization__memberships__is_active=True
    )
    rows = list(unread.select_related("organization").order_by("organization_id", "-created_at"))
    if not rows:
        pending.update(digest_pending=False)  # all read, or of an organisation they left: nothing to wait for
        return 0
    for organization, items in groupby(rows, key=lambda row: row.organization):
        items = list(items)
        message = _queue(user, organization, items, day)
        Notification.objects.filter(pk__in=[row.pk for row in items]).update(email=message)
    # Read rows, and those of an organisation they left, need no digest any more either.
    pending.update(digest_pending=False)
    schedule.last_sent_on = day
    schedule.save(update_fields=["last_sent_on"])
    return 1


def _queue(user, organization, items, day):
    context = {
        "user": user,
        "organization": organization,
        "items": [{"title": row.title, "link": settings.SITE_URL + row.url if row.url else ""} for row in items],
        "inbox_link": settings.SITE_URL + reverse("notifications:inbox"),
        "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
        "day": day,
    }
    count = len(items)
    return mail.queue_email(
        organization=organization,
        to=[user.email],
        subject=f"Your daily digest: {count} notification{'s' if count != 1 else ''} at {organization.name}",
        text=render_to_string("notifications/email/digest.txt", context),
        html=render_to_string("notifications/email/digest.html", context),
        idempotency_key=f"digest:{user.pk}:{organization.pk}:{day.isoformat()}",
    )
