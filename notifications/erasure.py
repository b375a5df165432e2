"""Erasing what notifications say about a person, for the apps above that erase people.

Notifications point at what they are about (the generic relation), so the caller names the objects;
what goes is every notification about them, and the digest emails that listed one are returned
for the outbox's erasure (mail.erasure), since a digest quotes their titles.
"""

from mail.erasure import pointing_at

from .models import Notification


def erase_notifications(*, organization, related):
    """Delete the organisation's notifications about any of `related`; returns the ids of the digests that held one."""
    pointing = pointing_at(related)
    if pointing is None:
        return set()
    rows = Notification.objects.filter(pointing, organization=organization)
    digests = set(rows.exclude(email=None).values_list("email_id", flat=True))
    rows.delete()
    return digests
