"""Stage edits that copy stages, with their actions: a new stage template, a job switched to a template."""

from django.db import transaction

from jobs import stages as job_stages

from ..applications import stages as application_stages
from .defaults import copy_actions


@transaction.atomic
def create_template(*, organization, name):
    """A new stage template, starting from the default template's stages and their actions."""
    source = job_stages.default_template(organization)
    template = job_stages.create_template(organization=organization, name=name)
    if source is not None and source.pk != template.pk:
        copy_actions(list(source.stages.all()), list(template.stages.all()))
    return template


@transaction.atomic
def apply_template(*, job, template, mapping, by=None):
    """Give `job` the stages of `template` with their actions (see applications.stages.apply_template)."""
    new_stages = application_stages.apply_template(job=job, template=template, mapping=mapping, by=by)
    copy_actions(list(template.stages.all()), new_stages)
    return new_stages
