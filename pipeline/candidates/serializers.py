"""Candidates as the API shows them (docs/api.md): `candidate_id`, and the original system's field names."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Candidate

# What a profile's lists hold: lines of text, as the edit form's one-per-line fields.
LIST_ITEM_MAX_LENGTH = 500
LIST_MAX_ITEMS = 200


def _text_list():
    return serializers.ListField(
        child=serializers.CharField(max_length=LIST_ITEM_MAX_LENGTH, allow_blank=False),
        max_length=LIST_MAX_ITEMS,
        required=False,
    )


class CandidateSerializer(serializers.ModelSerializer):
    """One person. Writes go through pipeline.candidates.services (add_candidate, update_candidate)."""

    candidate_id = serializers.IntegerField(source="pk", read_only=True)
    full_name = serializers.CharField(read_only=True)
    resume_file_path = serializers.SerializerMethodField()
    parsed_cv_data = serializers.DictField(read_only=True)
    experience_years = serializers.IntegerField(min_value=0, max_value=100, allow_null=True, required=False)
    skills = _text_list()
    education = _text_list()
    work_experience = _text_list()
    certifications = _text_list()
    languages = _text_list()

    class Meta:
        model = Candidate
        fields = [
            "candidate_id",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "phone",
            "address",
            "city",
            "country",
            "linkedin_url",
            "portfolio_url",
            "resume_file_path",
            "cover_letter",
            "parsed_cv_data",
            "skills",
            "experience_years",
            "education",
            "work_experience",
            "certifications",
            "languages",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Unique per organisation: the services check it (the organisation is not a field here).
        validators = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_resume_file_path(self, candidate):
        """Resumes are private: the path of the permission-checked download, never the file's own URL."""
        return reverse("pipeline:download_resume", args=[candidate.pk]) if candidate.resume else None


class CandidateSummarySerializer(serializers.ModelSerializer):
    """The person an application belongs to, as the application shows them (no heavy fields)."""

    candidate_id = serializers.IntegerField(source="pk", read_only=True)
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Candidate
        fields = ["candidate_id", "first_name", "last_name", "full_name", "email", "phone"]
        read_only_fields = fields
