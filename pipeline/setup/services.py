"""A job as the pipeline needs it: created or duplicated with its stages, in one transaction.

This sits above jobs.services and pipeline's automation: the stages' actions are copied with them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from jobs import services as job_services
from jobs.stages import copy_stages, stages_for_new_job

from ..applications.models import Application
from ..automation.defaults import add_default_actions, copy_actions


@transaction.atomic
def create_job(*, organization, created_by, status=None, **fields):
    """A draft job with the standard application form and the organisation's default stages; moved on
    to `status` when one is asked for (the API's `"status": "open"`)."""
    job = job_services.create_job(organization=organization, created_by=created_by, **fields)
    _give_stages(job)
    job_services.change_status(job=job, status=status)
    return job


def _give_stages(job):
    stages, source = stages_for_new_job(job)
    if source is None:
        add_default_actions(stages, job.organization)
    else:
        copy_actions(source, stages)


@transaction.atomic
def duplicate_job(*, job, created_by):
    """A draft copy of `job`: details, form, hiring team and stages; no applications."""
    copy = job_services.duplicate_job(job=job, created_by=created_by)
    source = list(job.stages.all())
    copy_actions(source, copy_stages(source, job=copy))
    return copy


@transaction.atomic
def add_job_defaults(job):
    """What a job made outside create_job (Django admin's add form) still needs: its form and stages."""
    job_services.ensure_standard_form(job)
    if not job.stages.exists():
        _give_stages(job)


@transaction.atomic
def delete_job(*, job):
    """Delete a job nobody applied to (a draft made by mistake). One with applications is archived
    instead (Job.set_status): deleting it would take its candidates' applications, answers and
    history with it, and the pages offer no such thing."""
    if Application.objects.filter(job=job).exists():
        raise ValidationError(f"“{job.title}” has applications: archive it (status “archived”) instead of deleting it.")
    job.delete()
