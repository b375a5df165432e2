"""Who may see which job: one rule, used by every lookup and list. Another organisation's job is a 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.permissions import can

from .models import FormField, Job, Stage


def jobs_visible_to(membership):
    """Recruiters and admins see every job of their organisation; others the jobs whose team they are on."""
    if membership is None or not membership.is_active:
        return Job.objects.none()
    jobs = Job.objects.filter(organization_id=membership.organization_id)
    if can(membership, "manage_jobs"):
        return jobs
    return jobs.filter(team__user_id=membership.user_id)


def can_view_job(membership, job):
    return jobs_visible_to(membership).filter(pk=job.pk).exists()


def visible_jobs(request):
    return jobs_visible_to(request.membership)


def get_job_for_user(request, pk):
    return get_object_or_404(visible_jobs(request).select_related("organization"), pk=pk)


def get_job_for_editing(request, pk):
    job = get_job_for_user(request, pk)
    if not can(request.membership, "manage_jobs"):
        raise PermissionDenied("Only recruiters and admins change jobs.")
    return job


def get_field_for_editing(request, job, pk):
    return get_object_or_404(FormField, pk=pk, form__job=job)


def get_stage_for_editing(request, pk):
    """A stage of a job the member can see or of one of the organisation's templates (editing: manage_workflows)."""
    visible = Q(job__in=visible_jobs(request)) | Q(template__organization_id=request.organization.pk)
    return get_object_or_404(Stage.objects.filter(visible).select_related("job", "template"), pk=pk)
