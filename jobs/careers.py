"""The public careers site: an organisation's open jobs, each job, an RSS feed and the brand stylesheet.

The unfiltered index, the job pages and the feed look the same to every visitor, so they are kept whole in
the shared cache (the database cache, or Redis) and answer conditional GETs with 304. A page's key is
everything it shows: the organisation's and the job's `updated_at` (any save bumps them; a job's status
changes through `Job.set_status`, which saves `updated_at` too), the organisation's local date (a deadline
passed yesterday makes the page say "closed" today), the host the absolute URLs name, and the release.
Because the pages are shared, they are rendered without the request: no CSRF token, flash message, CSP
nonce or signed-in user can reach them (careers/base.html stands alone for the same reason).
"""

import functools
import hashlib
import mimetypes
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.contrib.syndication.views import Feed
from django.core.cache import cache, caches
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.html import strip_tags
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from accounts.models import Organization
from accounts.streaming import streamed

from . import extensions
from .models import Job

FILTERS = ("q", "department", "location", "remote", "type")
# A key is good for one local day at most; this only bounds what a deploy leaves behind.
PAGE_TIMEOUT = 24 * 60 * 60
TEMPLATES = ("careers/base.html", "careers/index.html", "careers/job.html")
# The code that shapes the cached pages besides the templates (the Markdown sanitiser among it).
SOURCES = ("careers.py", "markdown.py", "models.py", "salary.py", "templatetags/jobs_tags.py")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def public_jobs(organization):
    return (
        Job.objects.filter(organization=organization, status=Job.Status.OPEN)
        .select_related("organization")
        .order_by("-published_at")
    )


def get_public_job(organization, slug):
    """Open, on-hold and closed jobs have a page; drafts and archived jobs are 404."""
    job = get_object_or_404(Job, organization=organization, slug=slug)
    job.organization = organization  # already fetched; the deadline check reads its zone
    if not job.is_public:
        raise Http404
    return job


def _organization_with_jobs_state(org_slug):
    """The organisation, with when any of its jobs last changed and how many it has, in one query.

    Over all its jobs, not only the open ones: a job that closes leaves the open set without raising the
    open jobs' latest `updated_at`, and a deleted one only shows in the count.
    """
    listing = Organization.objects.annotate(jobs_changed=Max("jobs__updated_at"), jobs_count=Count("jobs"))
    return get_object_or_404(listing, slug=org_slug)


def _fingerprint():
    digest = hashlib.sha256(getattr(staticfiles_storage, "manifest_hash", "").encode())
    for name in SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:16]


_fingerprint_at_start = functools.cache(_fingerprint)


def _release():
    """A fingerprint of what renders the cached pages: a deploy that changes them starts new keys."""
    # runserver reloads an edited template without restarting the process: in development, look each time.
    return _fingerprint() if settings.DEBUG else _fingerprint_at_start()


def _page(request, *, parts, changed, render, shared, content_type="text/html; charset=utf-8"):
    """Answer with the page `parts` describe: 304, the shared cache's copy, or `render()` (then kept if `shared`).

    `parts` are everything the page shows depends on; the ETag and the cache key are their digest, and
    `changed` (the latest of the same moments) is its Last-Modified. Not @condition: it calls its etag and
    last_modified functions and then the view, each of which would look the organisation up again.
    """
    text = "|".join(str(part) for part in (_release(), request.build_absolute_uri("/"), *parts))
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    response = get_conditional_response(request, etag=etag, last_modified=int(changed.timestamp()))
    if response is None:
        key = f"careers:{digest}"
        if not shared:
            body = render()
        # This process's copy first (no query), then the shared cache (one query on the database backend).
        elif (body := caches["local"].get(key)) is None:
            body = cache.get(key)
            if body is None:
                body = render()
                cache.set(key, body, PAGE_TIMEOUT)
            caches["local"].set(key, body, PAGE_TIMEOUT)
        response = HttpResponse(body, content_type=content_type)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(changed.timestamp())
    # Browsers keep the page but ask each time (a 304 is cheap): an edit or a passed deadline shows at once.
    patch_cache_control(response, no_cache=True)
    return response


def _today_and_changed(organization, *moments):
    """The organisation's local date, and the latest of `moments` and the start of that date."""
    today = organization.local_date(timezone.now())
    return today, max(organization.day_start(today), *(moment for moment in moments if moment))


@require_safe
def careers_root(request):
    """/careers/ names no organisation: a member goes to their own organisation's page, anyone else learns
    that a careers address names its organisation (a 404, so link checkers report the bad link)."""
    organization = getattr(request, "organization", None)
    if organization is not None:
        return redirect("careers:index", organization.slug)
    return render(request, "careers/no_organization.html", status=404)


# Public pages answer GET and HEAD (link checkers, monitors) alike.
@require_safe
def careers_index(request, org_slug):
    organization = _organization_with_jobs_state(org_slug)
    filters = {key: request.GET.get(key, "").strip() for key in FILTERS}
    today, changed = _today_and_changed(organization, organization.updated_at, organization.jobs_changed)

    def render():
        jobs = public_jobs(organization)
        all_jobs = list(jobs)
        if filters["q"]:
            jobs = jobs.filter(Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
        if filters["department"]:
            jobs = jobs.filter(department=filters["department"])
        if filters["location"]:
            jobs = jobs.filter(city=filters["location"])
        if filters["remote"] in Job.RemoteType.values:
            jobs = jobs.filter(remote_type=filters["remote"])
        if filters["type"] in Job.EmploymentType.values:
            jobs = jobs.filter(employment_type=filters["type"])
        ctx = {
            "org": organization,
            "jobs": jobs,
            "filters": filters,
            "any_filter": any(filters.values()),
            "total": len(all_jobs),
            "departments": sorted({j.department for j in all_jobs if j.department}),
            "locations": sorted({j.city for j in all_jobs if j.city}),
            "remote_types": Job.RemoteType.choices,
            "employment_types": Job.EmploymentType.choices,
        }
        with timezone.override(organization.zone):
            return render_to_string("careers/index.html", ctx)

    parts = ("index", organization.pk, organization.updated_at, organization.jobs_changed, organization.jobs_count)
    return _page(
        request,
        parts=(*parts, today, *filters.values()),
        changed=changed,
        render=render,
        # A search is a visitor's own: kept, each one would be a key anyone can mint.
        shared=not any(filters.values()),
    )


# schema.org's employmentType values (Google reads these): contracts and freelance work are both CONTRACTOR.
EMPLOYMENT_TYPES = {
    Job.EmploymentType.FULL_TIME: "FULL_TIME",
    Job.EmploymentType.PART_TIME: "PART_TIME",
    Job.EmploymentType.CONTRACT: "CONTRACTOR",
    Job.EmploymentType.FREELANCE: "CONTRACTOR",
    Job.EmploymentType.INTERNSHIP: "INTERN",
}


def _without_empty(data):
    """`data` without None, "" or empty objects at any depth: a JobPosting's reader treats null as an error."""
    if isinstance(data, dict):
        kept = {key: _without_empty(value) for key, value in data.items()}
        return {key: value for key, value in kept.items() if value not in (None, "", {}, [])}
    return data


def _base_salary(job):
    """MonetaryAmount with unitText (YEAR, MONTH...); one figure as `value`, a range as minValue/maxValue."""
    low, high = job.salary_min, job.salary_max
    value = {"@type": "QuantitativeValue", "unitText": job.salary_period.upper()}
    if low and high and low != high:
        value |= {"minValue": low, "maxValue": high}
    else:
        value["value"] = low or high
    return {"@type": "MonetaryAmount", "currency": job.salary_currency, "value": value}


def job_posting(job, url, *, logo_url=""):
    """schema.org JobPosting, for search engines' job listings: no null anywhere, ISO country codes.

    Remote jobs are TELECOMMUTE, open to applicants in the job's country when it has one (else anywhere, as
    the posting says nothing). Hybrid and on-site jobs are at their office: schema.org has no "hybrid", and
    Google asks that TELECOMMUTE be used only for jobs done fully from home.
    """
    org = job.organization
    country = job.country.code or ""
    address = {"@type": "PostalAddress", "addressLocality": job.city, "addressCountry": country}
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": str(job.description_html) or job.title,
        "datePosted": org.local_date(job.published_at).isoformat() if job.published_at else None,
        "employmentType": EMPLOYMENT_TYPES.get(job.employment_type),
        "hiringOrganization": {
            "@type": "Organization",
            "name": org.name,
            "sameAs": org.website,
            "logo": logo_url,
        },
        "url": url,
    }
    if job.city or country:
        data["jobLocation"] = {"@type": "Place", "address": address}
    if job.remote_type == Job.RemoteType.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        if country:
            data["applicantLocationRequirements"] = {"@type": "Country", "name": job.country.name}
    if job.deadline:
        # Applications close when the deadline day ends in the organisation's zone: say exactly when.
        data["validThrough"] = org.day_start(job.deadline + timedelta(days=1)).isoformat()
    if job.show_salary and (job.salary_min or job.salary_max):
        data["baseSalary"] = _base_salary(job)
    return _without_empty(data)


def _job_page_state(org_slug, job_slug):
    """What a public job page's key and ETag depend on, as one plain row: 404 if there is no such page.

    No model instances and no 50-column join: a cache hit needs nothing else, and this was most of its time.
    """
    row = (
        Job.objects.filter(organization__slug=org_slug, slug=job_slug, status__in=Job.PUBLIC_STATUSES)
        .values_list("pk", "updated_at", "organization__updated_at", "organization__timezone")
        .first()
    )
    if row is None:
        raise Http404
    return row


@require_safe
def careers_job(request, org_slug, job_slug):
    job_pk, job_updated_at, organization_updated_at, zone_name = _job_page_state(org_slug, job_slug)
    # For its day arithmetic only (local date, start of day); the page loads the real one to render.
    zone = Organization(timezone=zone_name)
    today, changed = _today_and_changed(zone, organization_updated_at, job_updated_at)
    # The Apply link passes ?source= (or ?utm_source=) on, so the application records where the candidate
    # came from. Without a cookie or a script the only carrier is this page's body, so a page with a source
    # is rendered for its visitor and not kept: whoever writes a link picks the source, and keeping each one
    # would let anyone fill the shared cache (culling the rate limits kept there). Without one it is shared.
    source = request.GET.get("source") or request.GET.get("utm_source") or ""

    def render():
        organization = get_object_or_404(Organization, slug=org_slug)
        job = get_public_job(organization, job_slug)
        # The canonical address, never the query string the visitor came with.
        url = request.build_absolute_uri(request.path)
        logo_url = request.build_absolute_uri(reverse("careers:logo", args=[org_slug])) if organization.logo else ""
        ctx = {
            "org": organization,
            "job": job,
            "page_url": url,
            "job_posting": job_posting(job, url, logo_url=logo_url),
            "summary": strip_tags(str(job.description_html))[:200],
            "apply_url": extensions.apply_url(job),
            "source": source,
        }
        with timezone.override(organization.zone):
            return render_to_string("careers/job.html", ctx)

    parts = ("job", job_pk, job_updated_at, organization_updated_at, today, source)
    return _page(request, parts=parts, changed=changed, render=render, shared=not source)


@require_safe
def careers_feed(request, org_slug):
    organization = _organization_with_jobs_state(org_slug)
    today, changed = _today_and_changed(organization, organization.updated_at, organization.jobs_changed)

    def render():
        return JobsFeed()(request, organization).content

    parts = ("feed", organization.pk, organization.updated_at, organization.jobs_changed, organization.jobs_count)
    return _page(
        request,
        parts=(*parts, today),
        changed=changed,
        render=render,
        shared=True,
        content_type=JobsFeed.feed_type.content_type,
    )


@require_safe
def brand_stylesheet(request, org_slug):
    """The organisation's colours as CSS custom properties: a stylesheet, so the shared pages need no nonce.

    Pages link it with ?v=<the organisation's updated_at>, so any edit gives it a new address and the old
    one may be kept for a year.
    """
    org = get_object_or_404(Organization, slug=org_slug)
    if not _COLOUR.fullmatch(org.brand_colour or ""):
        # The field's validator does not run on every save: only a colour of that shape reaches the CSS.
        org.brand_colour = Organization._meta.get_field("brand_colour").default
    css = f":root {{ --brand: {org.brand_colour}; --brand-text: {org.brand_text_colour}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=365 * 24 * 60 * 60, immutable=True)
    return response


@require_safe
@cache_control(public=True, max_age=3600)
def organization_logo(request, org_slug):
    """Logos are public (unlike resumes), but still served by a view: media is never public."""
    organization = get_object_or_404(Organization, slug=org_slug)
    if not organization.logo:
        raise Http404
    content_type = mimetypes.guess_type(organization.logo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        raise Http404
    return streamed(request, FileResponse(organization.logo.open("rb"), content_type=content_type))


class JobsFeed(Feed):
    """Called by careers_feed with the organisation it already looked up."""

    def get_object(self, request, organization):
        return organization

    def title(self, org):
        return f"Jobs at {org.name}"

    def link(self, org):
        return reverse("careers:index", args=[org.slug])

    def description(self, org):
        return org.careers_intro or f"Open positions at {org.name}."

    def items(self, org):
        return public_jobs(org)[:100]

    def item_title(self, job):
        return job.title

    def item_description(self, job):
        return job.description_html

    def item_link(self, job):
        return reverse("careers:job", args=[job.organization.slug, job.slug])

    def item_pubdate(self, job):
        return job.published_at
