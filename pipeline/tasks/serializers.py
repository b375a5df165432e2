"""Tasks and their comments as the API reads and writes them.

Ids named in a body (the application, the assignee, the task of a comment) are looked up in the
caller's scope, the same querysets the pages' forms offer: one outside it is "no such one" (400).
Who may make or hand over a task is the view's question (access.may_assign), what a task may say
is services.py's.
"""

import datetime

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.params import FIRST_DAY, LAST_DAY, MAX_ID

from ..applications.access import applications_visible_to
from .access import assignee_choices, tasks_visible_to
from .models import Task, TaskComment

User = get_user_model()


def _id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _utc(**kwargs):
    # ISO 8601 in UTC whatever zone the caller's profile activates (docs/api.md).
    return serializers.DateTimeField(default_timezone=datetime.UTC, read_only=True, **kwargs)


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=Task.Status.choices, required=False, help_text="PATCH it to complete or reopen the task."
    )
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False, default=Task.Priority.NORMAL)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    assignee = _id_field(source="assignee_id", required=False, allow_null=True, default=None, help_text="A user id.")
    assignee_email = serializers.EmailField(source="assignee.email", read_only=True, allow_null=True, default=None)
    application_id = _id_field(
        required=False, allow_null=True, default=None, help_text="The application the task is about, if any."
    )
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    completed_at = _utc(allow_null=True)
    completed_by = serializers.IntegerField(source="completed_by_id", read_only=True, allow_null=True)
    created_at = _utc()
    updated_at = _utc()

    def validate_due_on(self, due_on):
        if due_on and not FIRST_DAY <= due_on <= LAST_DAY:
            raise serializers.ValidationError(f"Choose a date between {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")
        return due_on

    def validate(self, data):
        """Turn the ids into the caller's objects: `application` and `assignee` (when given)."""
        membership = self.context["request"].membership
        task = self.instance
        application = task.application if task is not None else None
        if "application_id" in data:
            application_id = data.pop("application_id")
            if application_id is not None:
                application = applications_visible_to(membership).filter(pk=application_id).first()
                if application is None:
                    raise serializers.ValidationError({"application_id": ["No such application."]})
            data["application"] = application
        if "assignee_id" in data:
            assignee_id = data.pop("assignee_id")
            data["assignee"] = None
            if assignee_id is not None:
                data["assignee"] = assignee_choices(membership.organization, application).filter(pk=assignee_id).first()
                if data["assignee"] is None:
                    raise serializers.ValidationError({"assignee": ["Not someone who may take this task."]})
        return data


class TaskUpdateSerializer(TaskSerializer):
    """A task's changes: what it says, who does it, whether it is done (not what it is about)."""

    application_id = serializers.IntegerField(read_only=True, allow_null=True)
    # A PATCH changes only what it names: no defaults.
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    assignee = _id_field(source="assignee_id", required=False, allow_null=True, help_text="A user id.")


class TaskCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    task = _id_field(source="task_id")
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_email = serializers.EmailField(source="author.email", read_only=True, allow_null=True, default=None)
    body = serializers.CharField(max_length=TaskComment._meta.get_field("body").max_length)
    created_at = _utc()

    def validate(self, data):
        membership = self.context["request"].membership
        task = tasks_visible_to(membership).filter(pk=data.pop("task_id")).first()
        if task is None:
            raise serializers.ValidationError({"task": ["No such task."]})
        data["task"] = task
        return data
