"""The public careers site: an organisation's open jobs, each job, and an RSS feed."""

import mimetypes
from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts.models import Organization

from . import extensions
from .models import Job


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


@require_GET
def careers_index(request, org_slug):
    organization = get_object_or_404(Organization, slug=org_slug)
    jobs = public_jobs(organization)
    all_jobs = list(jobs)
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "department", "location", "remote", "type")}
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
    return render(request, "careers/index.html", ctx)


def _job_posting(request, job):
    """schema.org JobPosting, for search engines' job listings."""
    org = job.organization
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": str(job.description_html) or job.title,
        "datePosted": org.local_date(job.published_at).isoformat() if job.published_at else None,
        "employmentType": job.employment_type.upper(),
        "hiringOrganization": {"@type": "Organization", "name": org.name, "sameAs": org.website or None},
        "jobLocation": {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": job.city, "addressCountry": job.country},
        },
        "url": request.build_absolute_uri(),
    }
    if job.deadline:
        # Applications close when the deadline day ends in the organisation's zone: say exactly when.
        data["validThrough"] = org.day_start(job.deadline + timedelta(days=1)).isoformat()
    if job.remote_type == Job.RemoteType.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
    if job.show_salary and (job.salary_min or job.salary_max):
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": job.salary_currency,
            "value": {"@type": "QuantitativeValue", "minValue": job.salary_min, "maxValue": job.salary_max},
        }
    return {key: value for key, value in data.items() if value is not None}


@require_GET
def careers_job(request, org_slug, job_slug):
    organization = get_object_or_404(Organization, slug=org_slug)
    job = get_public_job(organization, job_slug)
    ctx = {
        "org": organization,
        "job": job,
        "job_posting": _job_posting(request, job),
        "summary": strip_tags(str(job.description_html))[:200],
        "apply_url": extensions.apply_url(job),
    }
    return render(request, "careers/job.html", ctx)


@require_GET
@cache_control(public=True, max_age=3600)
def organization_logo(request, org_slug):
    """Logos are public (unlike resumes), but still served by a view: media is never public."""
    organization = get_object_or_404(Organization, slug=org_slug)
    if not organization.logo:
        raise Http404
    content_type = mimetypes.guess_type(organization.logo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        raise Http404
    return FileResponse(organization.logo.open("rb"), content_type=content_type)


class JobsFeed(Feed):
    def get_object(self, request, org_slug):
        return get_object_or_404(Organization, slug=org_slug)

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
