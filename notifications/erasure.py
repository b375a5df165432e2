"""Erasing what notifications say about a person, for the apps above that erase people.

Notifications point at what they are about (the generic relation), so the caller names the objects;
what goes is every notification about them, and the digest emails that listed one are returned
for the outbox's erasure (mail.erasure), since a digest quotes their titles.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Notification


def erase_notifications(*, organization, related):
    """Delete the organisation's notifications about any of `related`; returns the ids of the digests that held one."""
    by_model = {}
    for obj in related:
        by_model.setdefault(type(obj), set()).add(obj.pk)
    if not by_model:
        return set()
    content_types = ContentType.objects.get_for_models(*by_model)
    pointing = Q()
    for model, ids in by_model.items():
        pointing |= Q(content_type=content_types[model], object_id__in=ids)
    rows = Notification.objects.filter(pointing, organization=organization)
    digests = set(rows.exclude(email=None).values_list("email_id", flat=True))
    rows.delete()
    return digests
