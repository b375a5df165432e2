"""Rate limits that hold across every process: one counter row per key, counted by the database.

Not the cache: a per-process cache counts once per gunicorn worker, and the database cache's `incr`
is a get-then-set that loses hits under concurrency. Here each hit is one `UPDATE ... SET count =
count + 1`, which is exact on PostgreSQL (row lock) and SQLite (IMMEDIATE transactions), with Redis
or without.
"""

import hashlib
import math
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from .models import RateCounter

_KEY_LENGTH = RateCounter._meta.get_field("key").max_length


def client_address(request):
    """The address a request came from: behind our proxy, the entry the proxy appended."""
    if settings.SECURE_PROXY_SSL_HEADER and request.headers.get("X-Forwarded-For"):
        # The last entry is the one our proxy appended; earlier ones are the client's to invent.
        return request.headers["X-Forwarded-For"].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def hit(key, *, limit, window):
    """Count a hit on `key`; True when it is more than `limit` hits in the key's window of `window` seconds.

    The window is fixed: it starts at the first hit and the first hit after it ends starts a new one.
    Refused hits count too, so a client that keeps trying stays refused until its window ends.
    """
    return retry_after(key, limit=limit, window=window) is not None


def retry_after(key, *, limit, window):
    """Count a hit as `hit` does; None when allowed, else the seconds until the key's window ends."""
    key = _storable(key)
    now = timezone.now()
    ends = now + timedelta(seconds=window)
    expired = Q(expires_at__lte=now)
    counter = RateCounter.objects.filter(key=key)
    while True:
        with transaction.atomic():
            # From this UPDATE to the commit the row is locked (PostgreSQL) or the database is
            # (SQLite's IMMEDIATE transaction), so the count read back is this hit's own.
            updated = counter.update(
                count=Case(When(expired, then=Value(1)), default=F("count") + 1, output_field=models.IntegerField()),
                expires_at=Case(When(expired, then=Value(ends)), default=F("expires_at")),
            )
            if updated:
                count, expires_at = counter.values_list("count", "expires_at").get()
                return _wait(expires_at, now) if count > limit else None
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, expires_at=ends)
            except IntegrityError:
                continue  # another process created it in the meantime: count on theirs
            # A new key is a cheap moment to drop the counters whose window has ended (an indexed
            # range), so the table holds about one row per key seen in the last window.
            RateCounter.objects.filter(expires_at__lte=now).delete()
            return window if limit < 1 else None


def _wait(expires_at, now):
    return max(1, math.ceil((expires_at - now).total_seconds()))


def _storable(key):
    """Keys carry client-supplied text (an address from a header): a long or odd one is kept as its digest."""
    if len(key) <= _KEY_LENGTH and key.isprintable():
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
