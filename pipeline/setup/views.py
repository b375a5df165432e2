"""Creating and duplicating jobs: jobs' form, pipeline's orchestration (stages come with the job)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import ability_required
from jobs.access import get_job_for_editing, get_job_for_user
from jobs.forms import JobEditForm

from . import services


@ability_required("manage_jobs")
def job_create(request):
    form = JobEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = services.create_job(organization=request.organization, created_by=request.user, **form.cleaned_data)
        messages.success(request, f"“{job.title}” was created as a draft. Set up its application form, then publish.")
        return redirect(job)
    return render(request, "jobs/job_form.html", {"form": form, "job": None}, status=400 if form.errors else 200)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def duplicate_job(request, pk):
    job = get_job_for_editing(request, pk)
    copy = services.duplicate_job(job=job, created_by=request.user)
    messages.success(request, f"Made a draft copy of “{job.title}”.")
    return redirect(copy)
