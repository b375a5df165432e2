"""What belongs to a job's definition, as JSON: its form and questions, its sites, its hiring team.

The jobs themselves (creating one gives it stages and their actions) are pipeline.setup's: see
pipeline/setup/api.py. Every list comes from jobs.access's rule, so another organisation's ids answer
404 and a hiring manager sees the jobs whose team they are on; changes take `manage_jobs`, as the pages.
"""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from accounts.api.permissions import ability
from accounts.models import Membership

from . import services
from .access import jobs_visible_to
from .countries import country_code
from .forms import key_question_error
from .models import FormField, HiringTeamMember, Job, JobForm, JobSite
from .serializers import (
    ChoiceByNameField,
    FormFieldSerializer,
    JobFormSerializer,
    JobSiteSerializer,
    TeamMemberSerializer,
    TeamSerializer,
)

ManageJobs = ability("manage_jobs")
# The form builder is a recruiter's page: reading the questions takes the ability too.
ManageJobsToRead = ability("manage_jobs", safe_methods_too=True)


class LabelFilter(django_filters.CharFilter):
    """A choice filter that reads the value or label in any case, as the job's own fields do."""

    def __init__(self, choices_class, **kwargs):
        self.choice = ChoiceByNameField(choices_class)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            value = self.choice.to_internal_value(value)
        except serializers.ValidationError:
            return qs.none()
        return super().filter(qs, value)


class CountryFilter(django_filters.CharFilter):
    """`?country=FR` or `?country=France`: the jobs in that country; a name of no country matches none."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(country=country_code(value)) if country_code(value) else qs.none()


class JobFilter(django_filters.FilterSet):
    status = LabelFilter(Job.Status)
    urgency = LabelFilter(Job.Urgency)
    type_of_contract = LabelFilter(Job.EmploymentType, field_name="employment_type")
    remote_type = LabelFilter(Job.RemoteType)
    experience_level = LabelFilter(Job.ExperienceLevel)
    department = django_filters.CharFilter(lookup_expr="iexact")
    city = django_filters.CharFilter(lookup_expr="iexact")
    country = CountryFilter()

    class Meta:
        model = Job
        fields = ["status", "urgency", "type_of_contract", "remote_type", "experience_level", "department"]


class JobChildFilter(django_filters.FilterSet):
    """`?job=`: the rows of one job."""

    job = django_filters.NumberFilter(field_name="job_id", min_value=1, max_value=2**63 - 1)


def job_for_writing(request, job_id, *, field="job"):
    """A job of the caller's to change, named in a request's body; another's reads as "no such job" (400)."""
    job = jobs_visible_to(request.membership).filter(pk=job_id).first()
    if job is None:
        raise serializers.ValidationError({field: ["No such job in your organisation."]})
    return job


@extend_schema_view(
    list=extend_schema(summary="The jobs' application forms"),
    retrieve=extend_schema(summary="A job's application form, with its questions"),
)
class JobFormViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Each job has one form, made with the job: it is read and retitled here, never added or deleted."""

    queryset = JobForm.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = JobFormSerializer
    permission_classes = [ManageJobsToRead]
    filterset_class = JobChildFilter
    search_fields = ["title", "job__title"]
    ordering_fields = ["id", "title", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        return JobForm.objects.filter(job__in=jobs_visible_to(self.request.membership)).prefetch_related(
            Prefetch("fields", queryset=FormField.objects.select_related("form"))
        )


class FormFieldFilter(django_filters.FilterSet):
    job = django_filters.NumberFilter(field_name="form__job_id", min_value=1, max_value=2**63 - 1)
    field_type = django_filters.ChoiceFilter(choices=FormField.Type.choices)

    class Meta:
        model = FormField
        fields = ["job", "field_type", "is_active", "required", "is_standard"]


class FormFieldViewSet(viewsets.ModelViewSet):
    """The questions of the jobs' forms, changed through the form builder's services (standard fields
    are hidden, not deleted; email is always asked and required)."""

    queryset = FormField.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = FormFieldSerializer
    permission_classes = [ManageJobsToRead]
    filterset_class = FormFieldFilter
    search_fields = ["label", "key"]
    ordering_fields = ["id", "order", "label"]
    ordering = ["form__job_id", "order", "id"]

    def get_queryset(self):
        visible = jobs_visible_to(self.request.membership)
        return FormField.objects.filter(form__job__in=visible).select_related("form")

    def perform_create(self, serializer):
        data = serializer.validated_data
        job = job_for_writing(self.request, data["job_id"])
        # The form checked the field alone; how many the job's form pins is known once the job is.
        if data["fields"].get("is_key_question") and (error := key_question_error(job.application_form)):
            raise serializers.ValidationError({"is_key_question": [error]})
        field = services.add_question(form=job.application_form, **data["fields"])
        for flag, value in data["flags"].items():
            if getattr(field, flag) != value:
                services.toggle_field(field=field, flag=flag)
        serializer.instance = field

    def perform_update(self, serializer):
        field, data = serializer.instance, serializer.validated_data
        # The switches first: they may be refused (email stays required), the checked wording may not.
        for flag, value in data["flags"].items():
            if getattr(field, flag) != value:
                services.toggle_field(field=field, flag=flag)
        for name, value in data["fields"].items():
            setattr(field, name, value)
        field.save()

    def perform_destroy(self, instance):
        services.delete_field(field=instance)


class JobSiteViewSet(viewsets.ModelViewSet):
    """Where each job is posted (the original's sites)."""

    queryset = JobSite.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = JobSiteSerializer
    permission_classes = [ManageJobs]
    filterset_class = JobChildFilter
    search_fields = ["name", "url"]
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["job_id", "name", "id"]

    def get_queryset(self):
        return JobSite.objects.filter(job__in=jobs_visible_to(self.request.membership))

    def perform_create(self, serializer):
        job = job_for_writing(self.request, serializer.validated_data.pop("job_id"))
        serializer.save(job=job)


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The hiring teams (the original's Team): one per job, with the job's id; members change at team-members/."""

    queryset = Job.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = TeamSerializer
    search_fields = ["title"]
    ordering_fields = ["id", "title"]
    ordering = ["id"]

    def get_queryset(self):
        return jobs_visible_to(self.request.membership).prefetch_related(
            Prefetch("team", queryset=HiringTeamMember.objects.select_related("user"))
        )


class TeamMemberViewSet(viewsets.ModelViewSet):
    """People on the jobs' hiring teams: added through the same service as the job's page (which tells them)."""

    queryset = HiringTeamMember.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = TeamMemberSerializer
    permission_classes = [ManageJobs]
    filterset_class = JobChildFilter
    search_fields = ["user__name", "user__email"]
    ordering_fields = ["id", "role", "added_at"]
    ordering = ["job_id", "role", "id"]

    def get_queryset(self):
        visible = jobs_visible_to(self.request.membership)
        return HiringTeamMember.objects.filter(job__in=visible).select_related("user")

    def _member(self, data):
        """The active member of the organisation named by user id or email, as the job page's list offers."""
        members = Membership.objects.filter(organization=self.request.organization, is_active=True)
        if "user_id" in data:
            membership = members.filter(user_id=data["user_id"]).select_related("user").first()
        else:
            membership = members.filter(user__email__iexact=data["user"]["email"]).select_related("user").first()
        if membership is None:
            raise serializers.ValidationError({"user": ["Choose an active member of your organisation."]})
        return membership.user

    def perform_create(self, serializer):
        data = serializer.validated_data
        job = job_for_writing(self.request, data["job_id"])
        role = data.get("role", HiringTeamMember.Role.INTERVIEWER)
        serializer.instance = services.set_team_member(
            job=job, user=self._member(data), role=role, by=self.request.user
        )

    def perform_update(self, serializer):
        member = serializer.instance
        role = serializer.validated_data.get("role", member.role)
        serializer.instance = services.set_team_member(
            job=member.job, user=member.user, role=role, by=self.request.user
        )

    def perform_destroy(self, instance):
        services.remove_team_member(job=instance.job, member_pk=instance.pk)
