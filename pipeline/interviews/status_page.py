"""The candidate's status page, public behind the signed link of their emails (applications.status_link).

It lives in this room, not in applications, because it shows the next interview, and interviews sit
above applications (applications can't import them). It shows one application only: the organisation,
the job, the stage under the name the team chose for candidates (never the internal stage name), and
the next interview, with what the candidate's own invitation already told them (title, time in the
invitation's zone, place), never the panel. A tampered, revoked or erased link is the site's 404.

Mail scanners open every link of an email, so a GET changes nothing: withdrawing takes a POST from
the confirmation page. The page is the candidate's alone: never cached, never indexed, and its
address (a credential) is not sent on as a referrer.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from accounts import ratelimit

from ..applications.models import Application
from ..applications.status_link import (
    WITHDRAWABLE,
    application_for_token,
    status_token,
    withdraw_by_candidate,
    withdrawal_reasons,
)
from .models import Interview
from .slots import zone_named

# Withdrawals per address and window: a person withdraws once; this only stops a script.
WITHDRAW_RATE_LIMIT = (20, 60 * 60)
# The referrer policy of a page with a form to post (see _private).
FORM = "same-origin"
# What a candidate reads when the team gave the stage no name for candidates, or the process is over.
STATUS_LABELS = {
    Application.Status.ACTIVE: "Under review",
    Application.Status.ON_HOLD: "Under review",  # holding is the team's business
    Application.Status.HIRED: "Hired",
    Application.Status.REJECTED: "Not moving forward",
    Application.Status.WITHDRAWN: "Withdrawn",
}


def _application(token):
    application = application_for_token(token)
    if application is None:
        raise Http404("No such status page.")
    return application


def _private(response, *, referrer="no-referrer"):
    """Never stored by a browser or a proxy, never indexed, and no Referer naming the link elsewhere.

    The confirmation page, which holds the withdrawal's form, says "same-origin" instead: under
    "no-referrer" a browser posts the form with `Origin: null`, which Django's CSRF check refuses.
    Other sites get no Referer from it either.
    """
    add_never_cache_headers(response)
    response["Referrer-Policy"] = referrer
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _iso(moment):
    return moment.replace(microsecond=0).isoformat()


def stage_label(application):
    """The stage as the candidate reads it: the team's name for candidates while the process runs."""
    if application.status in WITHDRAWABLE and application.current_stage and application.current_stage.candidate_label:
        return application.current_stage.candidate_label
    return STATUS_LABELS[application.status]


def next_interview(application):
    """The next interview not over yet (not cancelled), in the zone its invitation gave, or None."""
    if application.status not in WITHDRAWABLE:
        return None  # a decision cancels the interviews still to come
    interview = (
        Interview.objects.filter(application=application, status=Interview.Status.SCHEDULED, ends_at__gt=timezone.now())
        .only("title", "starts_at", "ends_at", "duration_minutes", "time_zone", "location")
        .order_by("starts_at", "pk")
        .first()
    )
    if interview is None:
        return None
    zone = zone_named(interview.time_zone)
    starts = interview.starts_at.astimezone(zone)
    return {
        "title": interview.title,
        "starts_iso": _iso(starts),
        "starts": starts,
        "ends": interview.ends_at.astimezone(zone),
        "zone": starts.tzname(),
        "minutes": interview.duration_minutes,
        "location": interview.location,
        "location_is_link": interview.location_is_link,
    }


def _context(application):
    organization = application.job.organization
    applied = application.applied_at.astimezone(organization.zone)
    token = status_token(application)
    return {
        "org": organization,
        "job": application.job,
        "application": application,
        "label": stage_label(application),
        "applied": applied,
        "applied_iso": _iso(applied),
        "interview": next_interview(application),
        "may_withdraw": application.status in WITHDRAWABLE,
        "page_url": reverse("careers:application_status", args=[organization.slug, token]),
        "withdraw_url": reverse("careers:withdraw_application", args=[organization.slug, token]),
    }


def _canonical(name, org_slug, application):
    """A valid link under an old organisation slug (renamed since the email) goes to today's address."""
    organization = application.job.organization
    if org_slug != organization.slug:
        return redirect(name, organization.slug, status_token(application))
    return None


@require_safe  # GET, and HEAD: link checkers ask that first
def application_status(request, org_slug, token):
    application = _application(token)
    moved = _canonical("careers:application_status", org_slug, application)
    if moved is not None:
        return _private(moved)
    return _private(render(request, "pipeline/application_status.html", _context(application)))


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_application(request, org_slug, token):
    """GET: "Are you sure?" (changes nothing). POST: withdraw, then back to the status page, which
    says so. Withdrawn already (or decided meanwhile): nothing more happens, the page says where it is."""
    application = _application(token)
    moved = _canonical("careers:withdraw_application", org_slug, application)
    if moved is not None:
        return _private(moved)
    ctx = _context(application)
    if not ctx["may_withdraw"]:
        return _private(redirect(ctx["page_url"]))
    ctx["reasons"] = withdrawal_reasons(application.job.organization)
    if request.method == "POST":
        limit, window = WITHDRAW_RATE_LIMIT
        if ratelimit.hit(f"status-withdraw:{ratelimit.client_address(request)}", limit=limit, window=window):
            ctx["rate_limited"] = True
            return _private(render(request, "pipeline/application_withdraw.html", ctx, status=429), referrer=FORM)
        withdraw_by_candidate(application=application, reason=request.POST.get("reason", "")[:200])
        return _private(redirect(ctx["page_url"]))
    return _private(render(request, "pipeline/application_withdraw.html", ctx), referrer=FORM)
