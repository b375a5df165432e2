"""Stage edits that move or depend on applications (the Stages editor's side of pipeline).

Renaming, adding and reordering touch only stages and live in jobs.stages.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from jobs.models import Stage
from jobs.stages import copy_stages

from .models import Application
from .services import move_application


def stages_with_counts(stages):
    """`stages` annotated with how many applications each holds (`total`) and how many are open (`active_count`)."""
    open_ = Q(applications__status__in=[Application.Status.ACTIVE, Application.Status.ON_HOLD])
    return stages.annotate(total=Count("applications"), active_count=Count("applications", filter=open_))


def _last_active(stage):
    return stage.is_active and not stage.siblings().filter(is_active=True).exclude(pk=stage.pk).exists()


@transaction.atomic
def toggle_stage(*, stage):
    """Switch a stage on or off; one holding applications, or the last one on, stays on."""
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.is_active and Application.objects.filter(current_stage=stage).exists():
        raise ValidationError(f"Move the applications out of “{stage.name}” before switching it off.")
    if _last_active(stage):
        raise ValidationError("A pipeline needs at least one stage that is on.")
    stage.is_active = not stage.is_active
    stage.save(update_fields=["is_active"])
    return stage


@transaction.atomic
def delete_stage(*, stage, move_to=None, by=None):
    """Delete a stage; its applications must go somewhere first (`move_to`, a stage of the same job)."""
    if _last_active(stage):
        raise ValidationError("A pipeline needs at least one stage that is on.")
    applications = list(Application.objects.select_for_update().filter(current_stage=stage))
    if applications:
        if move_to is None or move_to.job_id != stage.job_id or move_to.pk == stage.pk:
            raise ValidationError(
                f"“{stage.name}” holds {len(applications)} application(s). Choose a stage to move them to first."
            )
        for application in applications:
            move_application(application=application, to_stage=move_to, by=by, note=f"Stage “{stage.name}” removed")
    stage.delete()


@transaction.atomic
def apply_template(*, job, template, mapping, by=None):
    """Give `job` the stages of `template`. `mapping` maps each current stage id to a new stage's *index*.

    Current stages are kept, switched off, so their history still reads right;
    their applications move to the mapped new stages.
    """
    if not template.stages.filter(is_active=True).exists():
        # Every current stage is switched off below: the job would be left with none to apply to.
        raise ValidationError(f"“{template.name}” has no stage that is on.")
    old_stages = list(Stage.objects.select_for_update().filter(job=job))
    top = max((s.order for s in old_stages), default=0) + 1
    new_stages = copy_stages(template.stages.all(), job=job)
    for index, stage in enumerate(new_stages):
        stage.order = top + index
    Stage.objects.bulk_update(new_stages, ["order"])
    for stage in old_stages:
        applications = list(Application.objects.filter(current_stage=stage))
        if applications:
            index = mapping.get(stage.pk)
            if index is None or not 0 <= index < len(new_stages):
                raise ValidationError(f"Choose where the applications in “{stage.name}” go.")
            for application in applications:
                move_application(application=application, to_stage=new_stages[index], by=by, note="Workflow changed")
    Stage.objects.filter(pk__in=[s.pk for s in old_stages]).update(is_active=False)
    return new_stages
