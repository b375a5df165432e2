"""Stages that already exist get the actions of the default stage of the same name.

Until now a job's first stage acknowledged applications by itself; from here the acknowledgement is
that stage's action, so existing jobs keep acknowledging. A stage that has actions is left alone.
"""

from django.db import migrations


def add_actions(apps, schema_editor):
    from pipeline.automation.defaults import DEFAULT_ACTIONS

    Stage = apps.get_model("jobs", "Stage")
    StageAction = apps.get_model("pipeline", "StageAction")
    EmailTemplate = apps.get_model("mail", "EmailTemplate")
    templates = {}
    actions = []
    stages = Stage.objects.filter(name__in=list(DEFAULT_ACTIONS)).select_related("job", "template")
    for stage in stages.exclude(pk__in=StageAction.objects.values("stage_id")):
        organization_id = stage.job.organization_id if stage.job_id else stage.template.organization_id
        if organization_id not in templates:
            templates[organization_id] = {
                t.key: t for t in EmailTemplate.objects.filter(organization_id=organization_id)
            }
        for order, spec in enumerate(DEFAULT_ACTIONS[stage.name]):
            fields = {key: str(value) if hasattr(value, "label") else value for key, value in spec.items()}
            fields["roles"] = [str(role) for role in fields.get("roles", [])]
            fields["email_template"] = templates[organization_id].get(fields.pop("template", None))
            actions.append(StageAction(stage=stage, order=order, **fields))
    StageAction.objects.bulk_create(actions, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0009_stage_actions_and_tasks"),
        ("mail", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_actions, migrations.RunPython.noop)]
