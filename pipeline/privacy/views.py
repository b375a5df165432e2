"""Erasing and exporting one candidate, and the admins' review of who is due for erasure."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from accounts.permissions import ability_required
from accounts.streaming import streamed

from ..applications.models import Application
from ..candidates.access import get_candidate_for_user
from ..candidates.models import Candidate
from . import services
from .export import write_export
from .forms import EraseForm, ExtendRetentionForm
from .models import ErasureRecord, RetentionExtension


@ability_required("manage_privacy", lookup=get_candidate_for_user)
def erase_candidate(request, pk):
    """GET: what erasing removes, and a form to confirm. POST: erase, then back to the candidate list."""
    candidate = get_candidate_for_user(request, pk)
    if candidate.erased_at is not None:
        messages.info(request, "This candidate's data has already been erased.")
        return redirect("pipeline:candidate", candidate.pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.erase_candidate(candidate=candidate, by=request.user, reason=form.cleaned_data["reason"])
        # No name in the message: it waits in the session until shown.
        messages.success(request, "The candidate's personal data was erased. Their applications stay, anonymised.")
        return redirect("pipeline:candidates")
    applications = list(candidate.applications.select_related("job").order_by("-applied_at"))
    ctx = {
        "candidate": candidate,
        "form": form,
        "applications": applications,
        "open_applications": [a for a in applications if a.status in services.OPEN_STATUSES],
        "note_count": candidate.notes.count(),
    }
    return render(request, "pipeline/privacy/erase_confirm.html", ctx, status=400 if form.errors else 200)


@require_GET
@ability_required("manage_privacy", lookup=get_candidate_for_user)
def export_candidate(request, pk):
    """A subject-access request: candidate.json and their files, zipped. Writes nothing."""
    candidate = get_candidate_for_user(request, pk)
    response = FileResponse(
        write_export(candidate),
        as_attachment=True,
        filename=f"candidate-{candidate.pk}.zip",
        content_type="application/zip",
    )
    return streamed(request, response)


@require_GET
@ability_required("manage_privacy")
def retention_review(request):
    """Candidates due for erasure within two weeks (or kept past their date by an open application)."""
    organization = request.organization
    open_applications = Prefetch(
        "applications",
        queryset=Application.objects.filter(status__in=services.OPEN_STATUSES).select_related("job"),
        to_attr="open_applications",
    )
    extensions = Prefetch("retention_extensions", queryset=RetentionExtension.objects.select_related("extended_by"))
    candidates = (
        services.retention_due(organization)
        .defer(*Candidate.HEAVY_FIELDS)
        .prefetch_related(open_applications, extensions)
    )
    page = Paginator(candidates, 25).get_page(request.GET.get("page"))
    today = organization.local_date(timezone.now())
    ctx = {
        "page": page,
        "candidates": page.object_list,
        "today": today,
        "due_by": today + services.REVIEW_WINDOW,
        "window_days": services.REVIEW_WINDOW.days,
        "erasures": ErasureRecord.objects.filter(organization=organization).select_related("erased_by")[:10],
    }
    return render(request, "pipeline/privacy/retention_review.html", ctx)


@ability_required("manage_privacy", lookup=get_candidate_for_user)
def extend_retention(request, pk):
    """Keep one candidate's data longer: a new date and the reason, recorded with who decided."""
    candidate = get_candidate_for_user(request, pk)
    form = ExtendRetentionForm(request.POST if request.method == "POST" else None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.extend_retention(
                candidate=candidate,
                until=form.cleaned_data["retain_until"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            until = date_format(form.cleaned_data["retain_until"])
            messages.success(request, f"Their data is now kept until {until}.")
            return redirect("pipeline:retention_review")
    ctx = {
        "candidate": candidate,
        "form": form,
        "extensions": candidate.retention_extensions.select_related("extended_by"),
    }
    return render(request, "pipeline/privacy/extend_retention.html", ctx, status=400 if form.errors else 200)
