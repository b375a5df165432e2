from pathlib import Path

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import ability_required, organization_required
from accounts.streaming import streamed
from jobs.access import get_job_for_user

from ...candidates import application_cards
from ...candidates.access import get_candidate_for_user
from ...candidates.models import Candidate
from ..access import get_answer_for_user, visible_applications
from ..answer_display import ANSWERS
from ..models import Application
from ..services import rejection_reasons
from .board import dialog_on_arrival


@require_GET
@ability_required("manage_applications", lookup=get_job_for_user)
def job_applications(request, pk):
    """Every application of the job (rejected and withdrawn too, unless ?status= says which), with its
    answers and its decisions, fifty to a page."""
    job = get_job_for_user(request, pk)
    applications = visible_applications(request).filter(job=job)
    counts = dict(applications.order_by().values_list("status").annotate(count=Count("pk")))
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    else:
        status = ""
    applications = (
        applications.select_related("candidate", "current_stage", "job")
        .defer(*(f"candidate__{name}" for name in Candidate.HEAVY_FIELDS))
        .prefetch_related(ANSWERS)
        .order_by("-applied_at", "-pk")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    rows = application_cards.prepare_controls(request, list(page.object_list))
    ctx = {
        "job": job,
        "applications": rows,
        "page": page,
        "status": status,
        # The filter's choices, each with how many there are: (value, label, count).
        "statuses": [("", "All", sum(counts.values()))]
        + [(value, label, counts.get(value, 0)) for value, label in Application.Status.choices],
        "reasons": rejection_reasons(request.organization),
        # Each decision comes back to this page as it was (its filter and page), at the row.
        "back": request.get_full_path(),
        # A move made here left an offer or a rejection email waiting: the page opens its dialog.
        "confirm_url": dialog_on_arrival(request),
    }
    return render(request, "pipeline/job_applications.html", ctx)


def _attachment(request, fieldfile, filename):
    if not fieldfile:
        raise Http404
    name = filename or Path(fieldfile.name).name
    return streamed(request, FileResponse(fieldfile.open("rb"), as_attachment=True, filename=name))


@require_GET
@organization_required
def download_resume(request, pk):
    """Resumes are private: only members who may see the candidate get the file, as an attachment."""
    candidate = get_candidate_for_user(request, pk)
    return _attachment(request, candidate.resume, candidate.resume_name)


@require_GET
@organization_required
def download_answer_file(request, pk):
    answer = get_answer_for_user(request, pk)
    return _attachment(request, answer.file, answer.file_name)
