"""A job's stages and the organisation's stage templates: the edits that touch only stages.

Edits that move applications (deleting a stage that holds some, switching one
off, applying a template) are pipeline's: see pipeline/applications/stages.py.
"""

from django.db import transaction
from django.db.models import Max

from accounts.ordering import swap_with_neighbour

from .models import Stage, StageTemplate

DEFAULT_STAGES = [
    ("Application Received", "New applications land here."),
    ("Initial Screening", "A first look at the resume and answers."),
    ("Phone Screen", "A short call to check fit and expectations."),
    ("Technical Interview", "A deeper conversation about skills."),
    ("Final Interview", "Meet the team and the hiring manager."),
    ("Reference Check", "Talk to people who worked with them."),
    ("Offer Made", "The offer is out."),
    ("Hired", "They said yes."),
]
COPIED_FIELDS = ("name", "description", "candidate_label", "order", "is_active", "stale_after_days")


@transaction.atomic
def create_default_template(organization):
    """The organisation's default stages (the original's eight); part of a new organisation's defaults."""
    template = StageTemplate.objects.filter(organization=organization, is_default=True).first()
    if template is None:
        template = StageTemplate.objects.create(
            organization=organization, name="Default hiring process", is_default=True
        )
        Stage.objects.bulk_create(
            Stage(template=template, name=name, description=description, order=index)
            for index, (name, description) in enumerate(DEFAULT_STAGES)
        )
    return template


def default_template(organization):
    """The template a new job copies: the default, else the oldest; None if there is none."""
    templates = StageTemplate.objects.filter(organization=organization)
    return templates.order_by("-is_default", "created_at", "pk").first()


def copy_stages(stages, **owner):
    """New stages for `owner` (job= or template=) copied from `stages`, in their order."""
    return Stage.objects.bulk_create(
        Stage(**owner, **{name: getattr(stage, name) for name in COPIED_FIELDS}) for stage in stages
    )


def stages_for_new_job(job):
    """Give a new job the stages of its organisation's default template (or the built-in list).

    Returns (the new stages, the template's stages they copy in the same order, or None for the
    built-in list), so what hangs on stages (pipeline's stage actions) can be copied alongside.
    """
    template = default_template(job.organization)
    source = list(template.stages.all()) if template is not None else []
    if source:
        return copy_stages(source, job=job), source
    stages = Stage.objects.bulk_create(
        Stage(job=job, name=name, description=description, order=index)
        for index, (name, description) in enumerate(DEFAULT_STAGES)
    )
    return stages, None


@transaction.atomic
def create_template(*, organization, name):
    """A new template, starting from the default stages so there is something to shape."""
    template = StageTemplate.objects.create(organization=organization, name=name)
    source = default_template(organization)
    if source is not None and source.pk != template.pk:
        copy_stages(source.stages.all(), template=template)
    return template


def add_stage(*, name, description="", **owner):
    """A stage at the end of `owner`'s list (job= or template=)."""
    top = Stage.objects.filter(**owner).aggregate(top=Max("order"))["top"]
    return Stage.objects.create(**owner, name=name, description=description, order=(top or 0) + 1)


def rename_stage(*, stage, name, description=None, stale_after_days=None, candidate_label=None):
    """Name, description, days before a card warms, and the name candidates read on their status page
    (blank: a neutral one by status there, never the internal name); None leaves a value as it is."""
    stage.name = name
    if description is not None:
        stage.description = description
    if stale_after_days is not None:
        stage.stale_after_days = stale_after_days
    if candidate_label is not None:
        stage.candidate_label = candidate_label
    stage.save(update_fields=["name", "description", "stale_after_days", "candidate_label"])
    return stage


@transaction.atomic
def move_stage(*, stage, offset):
    swap_with_neighbour(stage.siblings().select_for_update(), stage, offset)
