"""`/api/v1/jobs/`: the jobs, in the original's flat shape; `/api/v1/jobs/complete/`: one job with
everything around it, in the original's nested body.

Here rather than in jobs/ because a job is made as the pipeline needs it: create_job gives it the
organisation's default stages and their actions (the floors keep jobs from knowing them), and a job is
deleted only while nobody applied to it. jobs/complete/ is here too (not in automation, below setup)
because without steps its job gets that same default workflow.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status, viewsets
from rest_framework.response import Response

from accounts.api.permissions import ability
from accounts.api.schema import Detail
from jobs import services as job_services
from jobs.access import jobs_visible_to
from jobs.api import JobFilter
from jobs.models import FormField, HiringTeamMember, Job, JobForm, JobSite, Stage
from jobs.serializers import JobSerializer

from ..automation.models import StageAction
from . import services
from .complete import create_complete_job
from .serializers import CompleteJobResponseSerializer, CompleteJobSerializer


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


def _complete_answer(job):
    """The job with its form, team, workflow and sites, each in its own list's shape."""
    steps = Stage.objects.filter(job=job).prefetch_related(
        Prefetch("actions", queryset=StageAction.objects.select_related("email_template"), to_attr="action_list")
    )
    form = JobForm.objects.prefetch_related(Prefetch("fields", queryset=FormField.objects.select_related("form")))
    return {
        "id": job.pk,
        "job": job,
        "form": form.get(job=job),
        "team": HiringTeamMember.objects.filter(job=job).select_related("user"),
        "workflow": {"steps": steps},
        "sites": JobSite.objects.filter(job=job),
    }


class CompleteJobView(generics.GenericAPIView):
    """One job with its form, hiring team, workflow and sites, in the original's nested body; all or nothing."""

    serializer_class = CompleteJobSerializer
    permission_classes = [ability("manage_jobs")]

    @extend_schema(request=CompleteJobSerializer, responses={201: CompleteJobResponseSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = create_complete_job(
            organization=request.organization, created_by=request.user, **serializer.validated_data
        )
        answer = CompleteJobResponseSerializer(_complete_answer(job), context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)
