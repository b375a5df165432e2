"""Tasks and task comments in the JSON API (/api/v1/tasks/, /api/v1/task-comments/).

The same rules as the pages (pipeline.tasks.views): a task comes through tasks_visible_to (another
organisation's, or one the caller may not see, is a 404); whoever sees a task may complete, reopen
and comment on it; making, editing, handing over and removing one follow access.may_assign (403).
Every change goes through services.py, so the assignee hears of a task as they do from the pages.
"""

import django_filters
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.api.filters import IdFilter

from . import services
from .access import may_assign, tasks_visible_to
from .models import Task, TaskComment
from .selectors import BY_DUE_DAY
from .serializers import TaskCommentSerializer, TaskSerializer, TaskUpdateSerializer

_ABOUT_NO_ONE = "Only recruiters make tasks about no application."
_NOT_THE_TEAM = "Tasks about this application are for its hiring team."
_EDITED = ("title", "description", "due_on", "priority")
# "My tasks"' order, open ones before done ones (a status sorts "done" before "open" by itself).
_OPEN_FIRST = Case(When(status=Task.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())


def _require_assigning(membership, application):
    if not may_assign(membership, application):
        raise PermissionDenied(_ABOUT_NO_ONE if application is None else _NOT_THE_TEAM)


class TaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Task.Status.choices)
    priority = django_filters.ChoiceFilter(choices=Task.Priority.choices)
    assignee = IdFilter(field_name="assignee_id", help_text="Tasks assigned to this user id.")
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    application = IdFilter(field_name="application_id", help_text="Tasks about this application id.")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="Due on or after.")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", help_text="Due on or before.")

    class Meta:
        model = Task
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="The tasks I may see: open first, by due day (none last), the most pressing first within a day."
    ),
    create=extend_schema(summary="Make a task (about an application I manage, or, for recruiters, about none)."),
    partial_update=extend_schema(
        summary="Change a task; `status` completes or reopens it.", request=TaskUpdateSerializer
    ),
    destroy=extend_schema(summary="Remove a task."),
)
class TaskViewSet(viewsets.ModelViewSet):
    queryset = Task.objects.none()  # the schema's model; get_queryset is the caller's scope
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["title", "description"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        tasks = tasks_visible_to(self.request.membership).select_related("assignee")
        return tasks.order_by(_OPEN_FIRST, *BY_DUE_DAY)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require_assigning(request.membership, data["application"])
        with transaction.atomic():
            task = services.create_task(
                organization=request.organization, by=request.user, application=data["application"],
                assignee=data["assignee"], **{field: data[field] for field in _EDITED},
            )  # fmt: skip
            if data.get("status") == Task.Status.DONE:
                services.complete_task(task=task, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        task = self.get_object()
        serializer = TaskUpdateSerializer(task, data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        edited = {field: data[field] for field in _EDITED if field in data}
        if edited or "assignee" in data:
            _require_assigning(request.membership, task.application)
        # One PATCH is one change: its parts are saved together or not at all.
        with transaction.atomic():
            if edited:
                services.update_task(task=task, **{field: getattr(task, field) for field in _EDITED} | edited)
            if "assignee" in data:
                services.reassign_task(task=task, assignee=data["assignee"], by=request.user)
            # A PATCH states what the task should be: one already so is left as it is.
            if data.get("status", task.status) != task.status:
                change = services.complete_task if data["status"] == Task.Status.DONE else services.reopen_task
                change(task=task, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    def destroy(self, request, pk=None):
        task = self.get_object()
        _require_assigning(request.membership, task.application)
        services.delete_task(task=task)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskCommentFilter(django_filters.FilterSet):
    task = IdFilter(field_name="task_id", help_text="The comments on this task id.")

    class Meta:
        model = TaskComment
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Comments on the tasks I may see, oldest first (`?task=` for one task's)."),
    create=extend_schema(summary="Comment on a task I may see."),
)
class TaskCommentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):  # fmt: skip
    """Comments are written once: the pages neither edit nor remove them, and nor does the API."""

    queryset = TaskComment.objects.none()  # the schema's model; get_queryset is the caller's scope
    serializer_class = TaskCommentSerializer
    filterset_class = TaskCommentFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        comments = TaskComment.objects.filter(task__in=tasks_visible_to(self.request.membership).values("pk"))
        return comments.select_related("author").order_by("created_at", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_comment(task=data["task"], author=self.request.user, body=data["body"])
