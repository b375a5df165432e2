from pathlib import Path

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import ability_required, organization_required
from accounts.streaming import streamed
from jobs.access import get_job_for_user

from ...candidates.access import get_candidate_for_user
from ...candidates.models import Candidate
from ..access import get_answer_for_user, visible_applications


@ability_required("manage_applications", lookup=get_job_for_user)
def job_applications(request, pk):
    job = get_job_for_user(request, pk)
    applications = (
        visible_applications(request)
        .filter(job=job)
        .select_related("candidate", "current_stage")
        .defer(*(f"candidate__{name}" for name in Candidate.HEAVY_FIELDS))
        .prefetch_related("answers")
        .order_by("-applied_at", "-pk")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    ctx = {"job": job, "applications": page.object_list, "page": page}
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
