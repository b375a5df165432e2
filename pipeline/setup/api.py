"""`/api/v1/jobs/`: the jobs, in the original's flat shape.

Here rather than in jobs/ because a job is made as the pipeline needs it: create_job gives it the
organisation's default stages and their actions (the floors keep jobs from knowing them), and a job is
deleted only while nobody applied to it.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets

from accounts.api.permissions import ability
from accounts.api.schema import Detail
from jobs import services as job_services
from jobs.access import jobs_visible_to
from jobs.api import JobFilter
from jobs.models import Job
from jobs.serializers import JobSerializer

from . import services


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(Detail, description="The job has applications: archive it instead."),
        }
    )
)
class JobViewSet(viewsets.ModelViewSet):
    """Jobs: a hiring manager sees the jobs whose team they are on; changes take `manage_jobs`."""

    queryset = Job.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = JobSerializer
    permission_classes = [ability("manage_jobs")]
    filterset_class = JobFilter
    search_fields = ["title", "department", "city", "country"]
    ordering_fields = ["created_at", "title", "deadline", "status", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return jobs_visible_to(self.request.membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_job(
            organization=self.request.organization,
            created_by=self.request.user,
            status=data["status"],
            **data["fields"],
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        job_services.update_job(job=serializer.instance, status=data["status"], **data["fields"])

    def perform_destroy(self, instance):
        try:
            services.delete_job(job=instance)
        except ValidationError as error:
            raise Conflict(error.messages[0]) from error
