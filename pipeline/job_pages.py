"""What pipeline adds to jobs' pages (registered with jobs.extensions when Django starts)."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.permissions import can
from jobs import extensions
from jobs.extensions import Link

from .applications.models import Application


def job_links(request, job):
    links = []
    if can(request.membership, "manage_applications"):
        count = Application.objects.filter(job=job).count()
        links.append(Link(f"Board ({count})", reverse("pipeline:board", args=[job.pk]), "kanban", primary=True))
        links.append(Link("List", reverse("pipeline:job_applications", args=[job.pk]), "list-ul"))
    if can(request.membership, "manage_workflows"):
        links.append(Link("Stages", reverse("pipeline:job_workflow", args=[job.pk]), "signpost-split", group="manage"))
    if can(request.membership, "manage_jobs"):
        url = reverse("pipeline:duplicate_job", args=[job.pk])
        links.append(Link("Duplicate", url, "copy", method="post", group="manage"))
    return links


def list_links(request):
    if not can(request.membership, "manage_jobs"):
        return []
    return [Link("New job", reverse("pipeline:job_create"), "plus-lg", primary=True)]


def job_counts():
    def count(**only):
        matching = Application.objects.filter(job=OuterRef("pk"), **only).order_by()
        return Coalesce(Subquery(matching.values("job").annotate(n=Count("pk")).values("n")), 0)

    return {"applications": count(), "active": count(status=Application.Status.ACTIVE)}


def apply_url(job):
    return reverse("careers:apply", args=[job.organization.slug, job.slug])


def register():
    extensions.register("job_links", job_links)
    extensions.register("list_links", list_links)
    extensions.register("job_counts", job_counts)
    extensions.register("apply_url", apply_url)
