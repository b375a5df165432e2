"""Workflows as JSON: the organisation's stage templates, steps, their actions and the original's tasks.

The same services and rules as the Stages editor: jobs.stages for edits that touch only stages,
pipeline.applications.stages for those that move applications, pipeline.automation.editing for actions.
Like the editor, reading and changing take `manage_workflows`; a job's steps are those of the jobs the
member can see (jobs.access), a template's are the organisation's.
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.permissions import ability
from accounts.params import to_int
from jobs import stages as job_stages
from jobs.access import jobs_visible_to
from jobs.models import Stage, StageTemplate
from mail.models import EmailTemplate

from ..applications import stages as application_stages
from . import editing
from . import stages as copying
from .models import StageAction
from .serializers import (
    StepMoveSerializer,
    WorkflowActionSerializer,
    WorkflowStepSerializer,
    WorkflowTaskSerializer,
    WorkflowTemplateSerializer,
)

Kind = StageAction.Kind
ManageWorkflows = ability("manage_workflows", safe_methods_too=True)
MAX_ID = 2**63 - 1


def _actions():
    return Prefetch("actions", queryset=StageAction.objects.select_related("email_template"), to_attr="action_list")


def steps_visible_to(request):
    """Stages of the jobs the member can see, and of the organisation's templates (the editor's rule)."""
    visible = Q(job__in=jobs_visible_to(request.membership)) | Q(template__organization_id=request.organization.pk)
    return Stage.objects.filter(visible)


class TemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Stage templates: a new one starts from the default's steps and actions, as on the page; steps change
    at workflow-steps/."""

    queryset = StageTemplate.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = WorkflowTemplateSerializer
    permission_classes = [ManageWorkflows]
    search_fields = ["name"]
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["-is_default", "name", "id"]

    def get_queryset(self):
        steps = Stage.objects.prefetch_related(_actions())
        return StageTemplate.objects.filter(organization_id=self.request.organization.pk).prefetch_related(
            Prefetch("stages", queryset=steps, to_attr="step_list")
        )

    def perform_create(self, serializer):
        template = copying.create_template(
            organization=self.request.organization, name=serializer.validated_data["name"].strip()
        )
        serializer.instance = self.get_queryset().get(pk=template.pk)


class StepFilter(django_filters.FilterSet):
    job = django_filters.NumberFilter(field_name="job_id", min_value=1, max_value=MAX_ID)
    template = django_filters.NumberFilter(field_name="template_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Stage
        fields = ["job", "template", "is_active"]


class StepViewSet(viewsets.ModelViewSet):
    """Steps of a job or a template, in order. Deleting one that holds applications takes `?move_to=`,
    a step of the same job to move them to first."""

    queryset = Stage.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = WorkflowStepSerializer
    permission_classes = [ManageWorkflows]
    filterset_class = StepFilter
    search_fields = ["name"]
    ordering_fields = ["id", "order", "name"]
    ordering = ["job_id", "template_id", "order", "id"]

    def get_queryset(self):
        return steps_visible_to(self.request).prefetch_related(_actions())

    def _owner(self, data):
        if data.get("job_id"):
            job = jobs_visible_to(self.request.membership).filter(pk=data["job_id"]).first()
            if job is None:
                raise serializers.ValidationError({"job": ["No such job in your organisation."]})
            return {"job": job}
        template = StageTemplate.objects.filter(organization=self.request.organization, pk=data["template_id"]).first()
        if template is None:
            raise serializers.ValidationError({"template": ["No such template in your organisation."]})
        return {"template": template}

    def perform_create(self, serializer):
        data, owner = serializer.validated_data, self._owner(serializer.validated_data)
        # One change: switching the new step off is refused when it would leave no step on.
        with transaction.atomic():
            stage = job_stages.add_stage(name=data["name"], description=data.get("description", ""), **owner)
            if "stale_after_days" in data or "candidate_label" in data:
                job_stages.rename_stage(
                    stage=stage,
                    name=stage.name,
                    stale_after_days=data.get("stale_after_days"),
                    candidate_label=data.get("candidate_label"),
                )
            if data.get("is_active") is False:
                application_stages.toggle_stage(stage=stage)
        serializer.instance = self.get_queryset().get(pk=stage.pk)

    def perform_update(self, serializer):
        stage, data = serializer.instance, serializer.validated_data
        # The switch first: it may be refused (applications in the step), the checked wording may not.
        if "is_active" in data and data["is_active"] != stage.is_active:
            stage = application_stages.toggle_stage(stage=stage)
        job_stages.rename_stage(
            stage=stage,
            name=data.get("name", stage.name),
            description=data.get("description"),
            stale_after_days=data.get("stale_after_days"),
            candidate_label=data.get("candidate_label"),
        )
        serializer.instance = self.get_queryset().get(pk=stage.pk)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "move_to", OpenApiTypes.INT, description="A step of the same job for the applications it holds."
            )
        ],
        responses={204: None},
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        move_to = instance.siblings().filter(pk=to_int(self.request.query_params.get("move_to", ""))).first()
        application_stages.delete_stage(stage=instance, move_to=move_to, by=self.request.user)

    @extend_schema(request=StepMoveSerializer, responses={200: WorkflowStepSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Swap the step with the one above or below it."""
        stage = self.get_object()
        direction = StepMoveSerializer(data=request.data)
        direction.is_valid(raise_exception=True)
        job_stages.move_stage(stage=stage, offset=-1 if direction.validated_data["direction"] == "up" else 1)
        return Response(self.get_serializer(self.get_queryset().get(pk=stage.pk)).data)


class ActionFilter(django_filters.FilterSet):
    step = django_filters.NumberFilter(field_name="stage_id", min_value=1, max_value=MAX_ID)
    job = django_filters.NumberFilter(field_name="stage__job_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = StageAction
        fields = ["step", "job", "is_active"]


class ActionViewSet(viewsets.ModelViewSet):
    """Steps' actions, through the Stages editor's service (editing), which checks what each may hold."""

    queryset = StageAction.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = WorkflowActionSerializer
    permission_classes = [ManageWorkflows]
    filterset_class = ActionFilter
    search_fields = ["title"]
    ordering_fields = ["id", "order"]
    ordering = ["stage_id", "order", "id"]

    def get_queryset(self):
        steps = steps_visible_to(self.request)
        return StageAction.objects.filter(stage__in=steps).select_related("email_template", "stage")

    def _stage(self, stage_id):
        stage = steps_visible_to(self.request).select_related("job", "template").filter(pk=stage_id).first()
        if stage is None:
            raise serializers.ValidationError({"step": ["No such step in your organisation."]})
        return stage

    def _fields(self, kind, data):
        """What was sent, as editing takes it; a field the type doesn't hold is refused by name."""
        data = {name: value for name, value in data.items() if name not in ("stage_id", "kind", "is_active")}
        if "email_template_id" in data:
            template_id = data.pop("email_template_id")
            mine = EmailTemplate.objects.filter(pk=template_id, organization=self.request.organization)
            data["email_template"] = mine.first() if template_id else None
        extra = sorted(set(data) - set(editing.FIELDS[kind]))
        if extra:
            label = Kind(kind).label.lower()
            raise serializers.ValidationError({name: [f"A {label} action has no {name}."] for name in extra})
        return data

    def perform_create(self, serializer):
        data = serializer.validated_data
        kind = data.get("kind", Kind.TASK)
        action = editing.create_action(stage=self._stage(data["stage_id"]), kind=kind, **self._fields(kind, data))
        if data.get("is_active") is False:
            editing.set_action_active(action=action, active=False)
        serializer.instance = action

    def perform_update(self, serializer):
        action, data = serializer.instance, serializer.validated_data
        if data.get("kind", action.kind) != action.kind:
            raise serializers.ValidationError({"action_type": ["An action keeps its type: add another action."]})
        if data.get("stage_id", action.stage_id) != action.stage_id:
            raise serializers.ValidationError({"step": ["An action stays on its step: add one to the other."]})
        fields = self._fields(action.kind, data)
        if fields:
            editing.update_action(action=action, **fields)
        if "is_active" in data:
            editing.set_action_active(action=action, active=data["is_active"])

    def perform_destroy(self, instance):
        editing.delete_action(action=instance)


class TaskViewSet(ActionViewSet):
    """The original's per-step tasks: our task actions, each making a task for whoever enters the step."""

    serializer_class = WorkflowTaskSerializer

    def get_queryset(self):
        return super().get_queryset().filter(kind=Kind.TASK)
