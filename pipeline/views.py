import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organization
from accounts.permissions import organization_required
from jobs.access import get_job_for_user
from jobs.careers import get_public_job
from jobs.forms import application_form_for

from .access import get_answer_for_user, get_candidate_for_user
from .models import Application
from .services import AlreadyApplied, submit_application

KEPT_RESUME_SALT = "pipeline.apply.kept-resume"
KEPT_RESUME_MAX_AGE = 24 * 3600


def _client_address(request):
    if settings.SECURE_PROXY_SSL_HEADER and request.headers.get("X-Forwarded-For"):
        return request.headers["X-Forwarded-For"].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _rate_limited(request):
    """True once an address has sent too many applications in the window (shared cache, so any process)."""
    limit, window = settings.APPLY_RATE_LIMIT
    key = f"apply-rate:{_client_address(request)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _source(request):
    """Where the candidate came from: ?source=, ?utm_source=, or the referring site."""
    source = request.POST.get("source") or request.GET.get("source") or request.GET.get("utm_source")
    if not source:
        referrer = request.headers.get("Referer", "")
        if referrer and not url_has_allowed_host_and_scheme(referrer, allowed_hosts={request.get_host()}):
            source = referrer.split("//", 1)[-1].split("/", 1)[0]
    return (source or "careers site")[:100]


def _keep_resume(upload):
    """Store a valid resume from a failed submission so the candidate needn't pick it again."""
    path = default_storage.save(f"private/pending/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload)
    return signing.dumps({"path": path, "name": upload.name}, salt=KEPT_RESUME_SALT)


def _kept_resume(token):
    """(path, original name) of a kept resume, or None when the token is missing, forged or stale."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=KEPT_RESUME_SALT, max_age=KEPT_RESUME_MAX_AGE)
    except signing.BadSignature:
        return None
    path = data.get("path", "")
    if not path.startswith("private/pending/") or not default_storage.exists(path):
        return None
    return path, data.get("name", "resume")


@require_http_methods(["GET", "POST"])
def apply(request, org_slug, job_slug):
    organization = get_object_or_404(Organization, slug=org_slug)
    job = get_public_job(organization, job_slug)
    if not job.accepts_applications:
        return redirect("careers:job", org_slug, job_slug)

    form = application_form_for(job, request.POST or None, request.FILES or None)
    kept = _kept_resume(request.POST.get("kept_resume")) if request.method == "POST" else None
    ctx = {
        "org": organization,
        "job": job,
        "form": form,
        "source": _source(request),
        "kept": kept,
        "retain_until": timezone.localdate() + timedelta(days=organization.data_retention_days),
    }
    if request.method == "GET":
        return render(request, "pipeline/apply.html", ctx)

    if form.is_bot:
        # Let the bot believe it worked; nothing is stored.
        return redirect("careers:thanks", org_slug, job_slug)
    if _rate_limited(request):
        ctx["rate_limited"] = True
        return render(request, "pipeline/apply.html", ctx, status=429)

    new_resume = "resume" in request.FILES
    if kept and not new_resume and "resume" in form.fields:
        form.fields["resume"].required = False
    if form.is_valid():
        resume = None
        if kept and not new_resume:
            resume = File(default_storage.open(kept[0], "rb"), name=kept[1])
        try:
            submit_application(job=job, form=form, source=ctx["source"], resume=resume)
        except AlreadyApplied:
            ctx["already_applied"] = True
            return render(request, "pipeline/apply.html", ctx, status=409)
        finally:
            if resume:
                resume.close()
        if kept:
            default_storage.delete(kept[0])
        return redirect("careers:thanks", org_slug, job_slug)

    if new_resume and "resume" not in form.errors:
        ctx["kept"] = (None, request.FILES["resume"].name)
        ctx["kept_token"] = _keep_resume(request.FILES["resume"])
    elif kept:
        ctx["kept_token"] = request.POST["kept_resume"]
    return render(request, "pipeline/apply.html", ctx, status=400)


@require_GET
def thanks(request, org_slug, job_slug):
    organization = get_object_or_404(Organization, slug=org_slug)
    job = get_public_job(organization, job_slug)
    return render(request, "pipeline/thanks.html", {"org": organization, "job": job})


@organization_required
def job_applications(request, pk):
    job = get_job_for_user(request, pk)
    applications = (
        Application.objects.filter(job=job)
        .select_related("candidate", "current_stage")
        .prefetch_related("answers")
        .order_by("-applied_at")
    )
    ctx = {"job": job, "applications": applications}
    return render(request, "pipeline/job_applications.html", ctx)


def _attachment(fieldfile, filename):
    if not fieldfile:
        raise Http404
    return FileResponse(fieldfile.open("rb"), as_attachment=True, filename=filename or Path(fieldfile.name).name)


@require_GET
@organization_required
def download_resume(request, pk):
    """Resumes are private: only members who may see the candidate get the file, as an attachment."""
    candidate = get_candidate_for_user(request, pk)
    return _attachment(candidate.resume, candidate.resume_name)


@require_GET
@organization_required
def download_answer_file(request, pk):
    answer = get_answer_for_user(request, pk)
    return _attachment(answer.file, answer.file_name)
