"""API rate limits on accounts.ratelimit's counters: exact across every process, Redis or not.

Signed-in callers count per user (a key counts as its own caller), others per client address;
login, register and password reset have a strict limit of their own per address. Over the limit:
429 with Retry-After. `API_THROTTLE_RATES` sets the limits; `API_THROTTLE=false` turns them off
(the schema fuzzing in CI, which sends thousands of calls from one address).
"""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from .. import ratelimit
from ..models import ApiKey

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """'60/min' -> (60, 60)."""
    count, period = rate.split("/")
    return int(count), _SECONDS[period.strip()[0]]


class CounterThrottle(BaseThrottle):
    scope = None

    def key(self, request):
        raise NotImplementedError

    def allow_request(self, request, view):
        self.wait_seconds = None
        if not settings.API_THROTTLE:
            return True
        key = self.key(request)
        if key is None:
            return True
        limit, window = parse_rate(settings.API_THROTTLE_RATES[self.scope])
        self.wait_seconds = ratelimit.retry_after(f"api:{self.scope}:{key}", limit=limit, window=window)
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds


class AnonThrottle(CounterThrottle):
    scope = "anon"

    def key(self, request):
        if request.user and request.user.is_authenticated:
            return None
        return ratelimit.client_address(request)


class UserThrottle(CounterThrottle):
    scope = "user"

    def key(self, request):
        if not (request.user and request.user.is_authenticated):
            return None
        if isinstance(request.auth, ApiKey):
            return f"key:{request.auth.pk}"
        return f"user:{request.user.pk}"


class StrictThrottle(CounterThrottle):
    """Login, register, password reset: guessing and flooding are what these endpoints invite."""

    scope = "strict"

    def key(self, request):
        return ratelimit.client_address(request)
