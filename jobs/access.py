"""Scoped lookups: another organisation's job is a 404, never a 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import can, can_view_job

from .models import FormField, Job


def visible_jobs(request):
    jobs = Job.objects.filter(organization=request.organization)
    if can(request.membership, "manage_jobs"):
        return jobs
    return jobs.filter(team__user=request.user)


def get_job_for_user(request, pk):
    job = get_object_or_404(Job.objects.select_related("organization"), pk=pk, organization=request.organization)
    if not can_view_job(request.membership, job):
        raise Http404
    return job


def get_job_for_editing(request, pk):
    job = get_job_for_user(request, pk)
    if not can(request.membership, "manage_jobs"):
        raise PermissionDenied("Only recruiters and admins change jobs.")
    return job


def get_field_for_editing(request, job, pk):
    return get_object_or_404(FormField, pk=pk, form__job=job)
