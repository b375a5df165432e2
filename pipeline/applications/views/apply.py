from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from accounts import ratelimit
from accounts.models import Organization
from jobs.careers import get_public_job
from jobs.forms import application_form_for

from ..pending import keep_upload, kept_upload
from ..services import AlreadyApplied, submit_application


def _rate_limited(request):
    """True once an address has sent too many applications in the window (counted in the database: any process)."""
    limit, window = settings.APPLY_RATE_LIMIT
    return ratelimit.hit(f"apply:{ratelimit.client_address(request)}", limit=limit, window=window)


def _source(request):
    """Where the candidate came from: ?source=, ?utm_source=, or the referring site."""
    source = request.POST.get("source") or request.GET.get("source") or request.GET.get("utm_source")
    if not source:
        referrer = request.headers.get("Referer", "")
        if referrer and not url_has_allowed_host_and_scheme(referrer, allowed_hosts={request.get_host()}):
            source = referrer.split("//", 1)[-1].split("/", 1)[0]
    return (source or "careers site")[:100]


@require_http_methods(["GET", "POST"])
def apply(request, org_slug, job_slug):
    organization = get_object_or_404(Organization, slug=org_slug)
    job = get_public_job(organization, job_slug)
    if not job.accepts_applications:
        return redirect("careers:job", org_slug, job_slug)

    form = application_form_for(job, request.POST or None, request.FILES or None)
    kept = kept_upload(request.POST.get("kept_resume")) if request.method == "POST" else None
    ctx = {
        "org": organization,
        "job": job,
        "form": form,
        "source": _source(request),
        "kept": kept,
        "retain_until": organization.retention_date(timezone.now()),
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
        values, answers, files = form.submitted_data()
        resume = None
        if kept and not new_resume:
            resume = files["resume"] = File(default_storage.open(kept[0], "rb"), name=kept[1])
        try:
            submit_application(job=job, values=values, answers=answers, files=files, source=ctx["source"])
        except AlreadyApplied:
            if kept:
                default_storage.delete(kept[0])  # not needed any more
            # A short answer, not the form again: there is nothing left for them to fill in.
            return render(request, "pipeline/already_applied.html", {"org": organization, "job": job}, status=409)
        except ValidationError as error:
            # The service checks the same rules as the form; whatever it still finds is shown in place.
            if hasattr(error, "error_dict"):
                for key, messages in error.message_dict.items():
                    form.add_error(form.field_name(key), messages)
            else:
                form.add_error(None, error)
        else:
            if kept:
                default_storage.delete(kept[0])  # used: it leaves the pending folder
            return redirect("careers:thanks", org_slug, job_slug)
        finally:
            if resume:
                resume.close()

    if new_resume and "resume" not in form.errors:
        ctx["kept"] = (None, request.FILES["resume"].name)
        ctx["kept_token"] = keep_upload(request.FILES["resume"])
    elif kept:
        ctx["kept_token"] = request.POST["kept_resume"]
    if "kept_token" in ctx and "resume" in form.fields:
        # Shown as optional: the kept file counts unless they pick another.
        form.fields["resume"].required = False
    return render(request, "pipeline/apply.html", ctx, status=400)


@require_GET
def thanks(request, org_slug, job_slug):
    organization = get_object_or_404(Organization, slug=org_slug)
    job = get_public_job(organization, job_slug)
    return render(request, "pipeline/thanks.html", {"org": organization, "job": job})
