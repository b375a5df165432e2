"""The JSON shapes of workflows: stage templates, steps (a job's or a template's stages), their actions,
and the original's per-step tasks (our task actions).

What an action may hold is checked once, by pipeline.automation.editing; these only read the input's
types and name the fields as the original did.
"""

from rest_framework import serializers

from jobs.models import HiringTeamMember, Stage, StageTemplate
from jobs.serializers import ChoiceByNameField

from ..tasks.models import Task
from .models import StageAction

Kind = StageAction.Kind
MAX_ID = 2**63 - 1

# The original's action types, and ours, by what they read as once case and punctuation are dropped.
ACTION_TYPES = {
    "email": Kind.EMAIL,
    "sendemail": Kind.EMAIL,
    "mail": Kind.EMAIL,
    "notification": Kind.NOTIFICATION,
    "notify": Kind.NOTIFICATION,
    "sendnotification": Kind.NOTIFICATION,
    "task": Kind.TASK,
    "createtask": Kind.TASK,
    "meeting": Kind.MEETING,
    "interview": Kind.MEETING,
    "scheduleinterview": Kind.MEETING,
    "schedulemeeting": Kind.MEETING,
}


def action_kind(name):
    """Our kind for an action type of the original's or ours ("sendEmail", "Email", "email"), else None."""
    if not isinstance(name, str):
        return None
    return ACTION_TYPES.get("".join(ch for ch in name.casefold() if ch.isalnum()))


class ActionTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Kind.values, **kwargs)

    def to_internal_value(self, data):
        kind = action_kind(data)
        if kind is None:
            raise serializers.ValidationError(
                f"Unknown action type “{data}”: use email, notification, task or meeting."
            )
        return kind


class WorkflowActionSerializer(serializers.ModelSerializer):
    """A stage's action. Only the fields of its type may be sent (editing.FIELDS); the type never changes."""

    step = serializers.IntegerField(source="stage_id", min_value=1, max_value=MAX_ID)
    action_type = ActionTypeField(source="kind")
    roles = serializers.ListField(child=ChoiceByNameField(HiringTeamMember.Role), required=False)
    members = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)
    email_template = serializers.IntegerField(
        source="email_template_id", min_value=1, max_value=MAX_ID, allow_null=True, required=False
    )
    delay_minutes = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False)
    due_in_days = serializers.IntegerField(min_value=0, max_value=MAX_ID, allow_null=True, required=False)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=MAX_ID, allow_null=True, required=False)
    priority = ChoiceByNameField(Task.Priority, required=False)
    slot_rule = ChoiceByNameField(StageAction.SlotRule, allow_blank=True, required=False)
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = StageAction
        fields = [
            "id",
            "step",
            "action_type",
            "order",
            "is_active",
            "to_candidate",
            "roles",
            "members",
            "email_template",
            "delay_minutes",
            "title",
            "body",
            "due_in_days",
            "priority",
            "duration_minutes",
            "location",
            "slot_rule",
            "summary",
            "created_at",
        ]
        read_only_fields = ["order", "created_at"]


class WorkflowTaskSerializer(serializers.ModelSerializer):
    """The original's per-step task: one of our task actions (made for each application entering the step)."""

    step = serializers.IntegerField(source="stage_id", min_value=1, max_value=MAX_ID)
    task_name = serializers.CharField(source="title", max_length=200)
    task_description = serializers.CharField(source="body", max_length=5000, allow_blank=True, required=False)
    roles = serializers.ListField(child=ChoiceByNameField(HiringTeamMember.Role), required=False)
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="User ids; the first active one who may see the application is the assignee.",
    )
    due_in_days = serializers.IntegerField(min_value=0, max_value=MAX_ID, allow_null=True, required=False)
    priority = ChoiceByNameField(Task.Priority, required=False)

    class Meta:
        model = StageAction
        fields = ["id", "step", "task_name", "task_description", "roles", "members", "due_in_days", "priority"]
        fields += ["is_active", "order", "created_at"]
        read_only_fields = ["order", "created_at"]


class WorkflowStepSerializer(serializers.ModelSerializer):
    """A step: a stage of a job (`job`) or of a stage template (`template`), with its actions in order."""

    job = serializers.IntegerField(source="job_id", min_value=1, max_value=MAX_ID, allow_null=True, required=False)
    template = serializers.IntegerField(
        source="template_id", min_value=1, max_value=MAX_ID, allow_null=True, required=False
    )
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    stale_after_days = serializers.IntegerField(min_value=1, max_value=365, required=False)
    # What candidates read on their status page while at this step (blank: "Under review").
    candidate_label = serializers.CharField(max_length=100, allow_blank=True, required=False)
    actions = WorkflowActionSerializer(source="action_list", many=True, read_only=True)

    class Meta:
        model = Stage
        fields = [
            "id", "job", "template", "name", "description", "candidate_label", "order", "is_active",
            "stale_after_days", "actions",
        ]  # fmt: skip
        read_only_fields = ["order"]

    def validate(self, attrs):
        if self.instance is None and bool(attrs.get("job_id")) == bool(attrs.get("template_id")):
            raise serializers.ValidationError({"job": ["Name the job or the template the step belongs to (one)."]})
        if self.instance is not None and (
            attrs.get("job_id", self.instance.job_id) != self.instance.job_id
            or attrs.get("template_id", self.instance.template_id) != self.instance.template_id
        ):
            raise serializers.ValidationError({"job": ["A step stays where it is: add one to the other instead."]})
        return attrs


class StepMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class WorkflowTemplateSerializer(serializers.ModelSerializer):
    """An organisation's stage template (the original's workflow template); the default is copied to new jobs."""

    name = serializers.CharField(max_length=150)
    steps = WorkflowStepSerializer(source="step_list", many=True, read_only=True)

    class Meta:
        model = StageTemplate
        fields = ["id", "name", "is_default", "created_at", "steps"]
        read_only_fields = ["is_default", "created_at"]
