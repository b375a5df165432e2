import ipaddress
import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from accounts.forms import OnboardingForm
from accounts.middleware import SESSION_KEY
from accounts.models import Membership
from accounts.permissions import can, organization_required
from accounts.ratelimit import client_address
from jobs.access import visible_jobs
from mail.selectors import tasks_waiting
from pipeline.applications.access import visible_applications

from . import metrics as site_metrics
from .dashboard import interviewer_home, needs_you
from .setup import create_organization_with_defaults

STARTED_AT = time.time()


@login_required
def onboarding(request):
    """Step 2 of signing up: name the organisation (its owner is you), with its zone and defaults."""
    if request.membership is not None:
        return redirect("dashboard")
    form = OnboardingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = create_organization_with_defaults(owner=request.user, **form.cleaned_data)
        request.session[SESSION_KEY] = organization.pk
        messages.success(request, f"Welcome to {organization.name}! Your organisation is ready.")
        return redirect("dashboard")
    return render(request, "accounts/onboarding.html", {"form": form})


@organization_required
def dashboard(request):
    """What needs the member, by what they may see; the set-up checklist for admins until it is done.
    An interviewer's is their interviews and tasks: the organisation's counts and jobs are not theirs to work."""
    if request.membership.role == Membership.Role.INTERVIEWER:
        return render(request, "core/dashboard.html", {**interviewer_home(request), "interviewer_home": True})
    organization = request.organization
    visible = visible_jobs(request)
    ctx = {
        **needs_you(request),
        "open_jobs": visible.filter(status="open").count(),
        "active_applications": visible_applications(request).filter(status="active", is_archived=False).count(),
        "can_manage_jobs": can(request.membership, "manage_jobs"),
    }
    if can(request.membership, "manage_organization"):
        steps = _setup_steps(request)
        ctx["steps_left"] = sum(not step["done"] for step in steps)
        ctx["steps"] = steps if ctx["steps_left"] else []
        ctx["member_count"] = organization.memberships.filter(is_active=True).count()
        ctx["pending_invitations"] = organization.invitations.filter(accepted_at__isnull=True).count()
    return render(request, "core/dashboard.html", ctx)


def _setup_steps(request):
    organization = request.organization
    return [
        {
            "title": "Publish your first job",
            "text": "Describe the role, shape its application form, then publish it on your careers page.",
            "done": organization.jobs.filter(status="open").exists(),
            "url": "pipeline:job_create",
            "action": "Create a job",
        },
        {
            "title": "Invite your team",
            "text": "Recruiters, hiring managers and interviewers each see what their role needs.",
            "done": organization.memberships.filter(is_active=True).count() > 1
            or organization.invitations.filter(accepted_at__isnull=True).exists(),
            "url": "accounts:members",
            "action": "Invite people",
        },
        {
            "title": "Make your careers page yours",
            "text": "Add your logo, brand colour, a short introduction and your privacy policy.",
            "done": bool(organization.careers_intro and organization.privacy_policy_url),
            "url": "accounts:organization_settings",
            "action": "Edit organisation",
        },
        {
            "title": "Protect your account",
            "text": "Turn on two-factor authentication with an authenticator app.",
            "done": Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists(),
            "url": "mfa_index",
            "action": "Set up two-factor",
        },
    ]


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down", whatever the driver raises
        return f"error: {error.__class__.__name__}"
    return "ok"


def _check_cache():
    try:
        cache.set("health-check", "ok", 10)
        return "ok" if cache.get("health-check") == "ok" else "error: value not kept"
    except Exception as error:
        if _cache_table_missing():
            return "error: cache table missing (run createcachetable)"
        return f"error: {error.__class__.__name__}"


def _cache_table_missing():
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache) or _check_database() != "ok":
        return False
    return backend._table not in connection.introspection.table_names()


def _cache_backend():
    """Where the cache lives, so an operator sees that limits are shared: "redis" or "database".

    "local memory" would mean one cache per process (each worker counting allauth's limits apart).
    """
    backend = type(caches["default"])
    return {RedisCache: "redis", DatabaseCache: "database", LocMemCache: "local memory"}.get(backend, backend.__name__)


def _check_static():
    """In production the manifest storage answers 500 on every page until collectstatic has run."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return "ok"  # development: files are served as they are
    try:
        staticfiles_storage.url("css/app.css")
    except ValueError:
        return "error: static manifest missing (run collectstatic)"
    return "ok"


def _health():
    checks = {"database": _check_database(), "cache": _check_cache(), "static": _check_static()}
    depth = tasks_waiting() if checks["database"] == "ok" or settings.Q_CLUSTER.get("redis") else None
    checks["queue"] = "ok" if depth is not None else "error: broker unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "degraded", "checks": checks, "cache_backend": _cache_backend()}, depth


@never_cache
@require_GET
def health(request):
    body, _ = _health()
    return JsonResponse(body, status=_http_status(body))


def _http_status(body):
    # A missing database or static manifest makes every page fail; cache or queue trouble only degrades it.
    unusable = body["checks"]["database"] != "ok" or body["checks"]["static"] != "ok"
    return 503 if unusable else 200


def _may_see_status(request):
    """Operators only: staff, or a request carrying OPS_TOKEN (Authorization: Bearer <token>)."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.OPS_TOKEN
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and constant_time_compare(sent, token)


@never_cache
@require_GET
def status(request):
    if not _may_see_status(request):
        # Version and queue depth help an attacker; the public probe is /health/.
        raise Http404
    body, depth = _health()
    body.update(
        version=settings.VERSION,
        uptime_seconds=int(time.time() - STARTED_AT),
        queue_depth=depth,
        database_engine=connection.vendor,
        queue_broker="redis" if settings.Q_CLUSTER.get("redis") else "orm",
    )
    return JsonResponse(body, status=_http_status(body))


def _from_private_address(request):
    """A scraper inside our network (loopback or a private range), by the rate limiter's address rule."""
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return address.is_private or address.is_loopback


@never_cache
@require_GET
def metrics(request):
    if not (_from_private_address(request) or _may_see_status(request)):
        raise Http404  # as /status/: nothing here for the public
    return HttpResponse(site_metrics.render(), content_type=CONTENT_TYPE_LATEST)


# Exempt: as DRF's views, or a POST to /api/v1/tasks/0.5/ would be the CSRF check's HTML 403 page.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that no endpoint matches (`/api/v1/jobs/abc/`): the API's JSON 404, not a page."""
    return JsonResponse({"detail": "Not found."}, status=404)
