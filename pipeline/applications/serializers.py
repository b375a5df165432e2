"""Applications as the API shows them (docs/api.md): `application_id`, the person, answers and history.

Reads only what ApplicationViewSet's queryset fetched (annotations, select_related, prefetches):
a page of 50 costs the queries of a page of 5.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.params import MAX_ID
from jobs.access import jobs_visible_to
from jobs.models import Job

from ..candidates.access import candidates_visible_to
from ..candidates.models import Candidate
from ..candidates.serializers import CandidateSerializer, CandidateSummarySerializer
from .models import TAG_MAX_LENGTH, Application, ApplicationFormAnswer, ApplicationStageHistory


class AnswerSerializer(serializers.ModelSerializer):
    """One answer to a question of the job's form, with the question's label as the candidate saw it."""

    field_id = serializers.IntegerField(read_only=True, allow_null=True)
    value = serializers.JSONField(read_only=True, allow_null=True)
    file_path = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationFormAnswer
        fields = ["key", "label", "field_id", "value", "file_name", "file_path"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_file_path(self, answer):
        """Files are private: the permission-checked download's path."""
        return reverse("pipeline:download_answer_file", args=[answer.pk]) if answer.file else None


class StageHistorySerializer(serializers.ModelSerializer):
    from_stage = serializers.IntegerField(source="from_stage_id", read_only=True, allow_null=True)
    to_stage = serializers.IntegerField(source="to_stage_id", read_only=True, allow_null=True)
    moved_by = serializers.IntegerField(source="moved_by_id", read_only=True, allow_null=True)
    moved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationStageHistory
        fields = [
            "id",
            "from_stage",
            "from_stage_name",
            "to_stage",
            "to_stage_name",
            "moved_by",
            "moved_by_name",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_moved_by_name(self, entry):
        return str(entry.moved_by) if entry.moved_by_id else None


class TagsField(serializers.ListField):
    """An application's tags by name (the first spelling): the whole list, read and written."""

    child = serializers.CharField(max_length=TAG_MAX_LENGTH)

    def to_representation(self, tags):
        return [tag.name for tag in tags.all()]


class ApplicationSerializer(serializers.ModelSerializer):
    """What every application endpoint answers. The writable fields are PATCH's (update_application)."""

    application_id = serializers.IntegerField(source="pk", read_only=True)
    job = serializers.IntegerField(source="job_id", read_only=True)
    job_title = serializers.CharField(read_only=True)
    candidate = CandidateSummarySerializer(read_only=True)
    current_stage = serializers.IntegerField(source="current_stage_id", read_only=True, allow_null=True)
    current_stage_name = serializers.CharField(read_only=True, allow_null=True)
    stage_order = serializers.IntegerField(read_only=True, allow_null=True)
    form_answers = serializers.SerializerMethodField()
    individual_answers = AnswerSerializer(source="answers", many=True, read_only=True)
    rating = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    tags = TagsField(max_length=50, required=False)
    stage_history = StageHistorySerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "application_id",
            "job",
            "job_title",
            "candidate",
            "current_stage",
            "current_stage_name",
            "status",
            "stage_order",
            "form_answers",
            "individual_answers",
            "notes",
            "internal_notes",
            "source",
            "rating",
            "tags",
            "is_starred",
            "is_archived",
            "applied_at",
            "updated_at",
            "processed_at",
            "stage_history",
        ]
        read_only_fields = ["status", "applied_at", "updated_at", "processed_at"]

    @extend_schema_field(serializers.DictField(child=serializers.JSONField(allow_null=True)))
    def get_form_answers(self, application):
        """Each question's answer by its key: the value, or a file's name."""
        return {answer.key: answer.file_name if answer.file else answer.value for answer in application.answers.all()}


class FormAnswersField(serializers.DictField):
    """The answers to the job's questions by key, as JSON gives them. A number is passed on as the text a
    form post would carry; the job's form then checks each (pipeline.applications.services)."""

    child = serializers.JSONField(allow_null=True)

    def to_internal_value(self, data):
        answers = super().to_internal_value(data)
        errors = {}
        for key, value in answers.items():
            if isinstance(value, list):
                if not all(isinstance(item, str) for item in value):
                    errors[key] = ["A list of answers holds text only."]
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                answers[key] = str(value)
            elif value is not None and not isinstance(value, (str, bool)):
                errors[key] = ["Answer with text, a number, true or false, or a list of text."]
        if errors:
            raise serializers.ValidationError(errors)
        return answers


class ApplicationCreateSerializer(serializers.Serializer):
    """POST v2/applications/: the job, and exactly one of candidate_id (someone known) and candidate_data."""

    # Each queryset is the caller's scope, set in __init__.
    job = serializers.PrimaryKeyRelatedField(queryset=Job.objects.none())
    candidate_id = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.none(), required=False)
    candidate_data = CandidateSerializer(required=False)
    form_answers = FormAnswersField(required=False, default=dict)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH), max_length=50, required=False, default=list
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        membership = getattr(request, "membership", None)
        # Ids outside the caller's scope are refused like ids that don't exist.
        self.fields["job"].queryset = jobs_visible_to(membership)
        self.fields["candidate_id"].queryset = candidates_visible_to(membership)

    def validate(self, data):
        if ("candidate_id" in data) == ("candidate_data" in data):
            raise serializers.ValidationError(
                {"candidate_id": ["Give either candidate_id (someone known) or candidate_data (to find or add)."]}
            )
        return data


class StageRefField(serializers.Field):
    """A stage named by its id (an integer) or its name (text, any casing)."""

    default_error_messages = {"invalid": "Give the stage's id or its name."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        if isinstance(data, int):
            return data if 0 < data <= MAX_ID else -1  # no stage has it: the lookup says so
        if not data.strip() or len(data) > 200:
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 200}]})(StageRefField)


class MoveStageSerializer(serializers.Serializer):
    stage_id = StageRefField()
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class MoveAnswerSerializer(serializers.Serializer):
    message = serializers.CharField()
    application = ApplicationSerializer()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()
