"""/api/v1/v2/applications/ (and the read-only /api/v1/applications/): the board's rules and services.

Visibility is applications_visible_to (another organisation's, or one a member sees through no job
or panel, is a 404). Entering one needs manage_candidates, as "Add candidate" does; changing and
moving one needs applications_managed_by, asked once it is found (an interviewer, or a hiring
manager who sees it only through a panel seat, gets a 403), as on the board.

DELETE removes the application and what hangs from it (answers and their files, tasks, interviews,
runs, history, what the outbox and notifications say about it), the privacy room's delete_application:
admins only (manage_privacy), asked once it is found. It changes counts and reports, so the usual way
out stays closing one (reject, withdraw) or archiving it (PATCH is_archived); the candidate stays,
with a timeline entry naming the job and who deleted it. Erasing the person is DELETE candidates/{id}/.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response

from accounts.api.permissions import IsMember
from accounts.params import MAX_ID
from accounts.permissions import can

from ..candidates import extensions
from ..candidates.models import Candidate
from . import services
from .access import applications_visible_to, require_managing
from .models import Application, ApplicationStageHistory, Tag, normalise_tag
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    MessageSerializer,
    MoveAnswerSerializer,
    MoveStageSerializer,
)

# What the candidate's timeline says of why (a DELETE carries no body to say more).
DELETED_THROUGH_API = "through the API"


def api_applications(membership):
    """The applications `membership` sees, with everything ApplicationSerializer shows: five queries for
    a page of any size (the page, and the tags, answers and history of all its rows)."""
    history = ApplicationStageHistory.objects.select_related("moved_by").order_by("created_at", "pk")
    return (
        applications_visible_to(membership)
        .annotate(
            job_title=F("job__title"),
            current_stage_name=F("current_stage__name"),
            stage_order=F("current_stage__order"),
        )
        .select_related("candidate")
        .defer(*(f"candidate__{name}" for name in Candidate.HEAVY_FIELDS))
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("normalised")),
            "answers",
            Prefetch("stage_history", queryset=history),
        )
        .order_by("-applied_at", "-pk")
    )


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (a larger one than any id matches nothing rather than failing)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class ApplicationFilter(django_filters.FilterSet):
    job = IdFilter(field_name="job_id")
    stage = IdFilter(field_name="current_stage_id")
    candidate = IdFilter(field_name="candidate_id")
    status = django_filters.ChoiceFilter(choices=Application.Status.choices)
    is_starred = django_filters.BooleanFilter()
    is_archived = django_filters.BooleanFilter()
    source = django_filters.CharFilter(max_length=100)
    tag = django_filters.CharFilter(method="with_tag", max_length=100, label="Tagged with this tag (any casing).")

    class Meta:
        model = Application
        fields = []

    def with_tag(self, applications, name, value):
        return applications.filter(tags__normalised=normalise_tag(value))


class ApplicationPermission(IsMember):
    """Entering an application needs manage_candidates (it may add the person), as "Add candidate";
    deleting one needs manage_privacy, asked once it is found (one the member can't see is a 404)."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return view.action != "create" or can(request.membership, "manage_candidates")

    def has_object_permission(self, request, view, application):
        return view.action != "destroy" or can(request.membership, "manage_privacy")


class ApplicationReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications, read only (/api/v1/applications/)."""

    queryset = Application.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    filter_backends = [DjangoFilterBackend]
    lookup_url_kwarg = "application_id"

    def get_queryset(self):
        return api_applications(self.request.membership)


@extend_schema_view(
    destroy=extend_schema(
        responses={204: None},
        description="Delete the application and what hangs from it (admins): the counts and reports lose it; "
        "the candidate stays.",
    )
)
class ApplicationViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ApplicationReadViewSet
):
    """Applications: list, enter, edit (PATCH), move and delete (/api/v1/v2/applications/)."""

    permission_classes = [ApplicationPermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_object(self):
        application = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS:
            require_managing(self.request.membership, application.pk)  # 403: seen only as an interviewer
        return application

    def _answer(self, application, status_code=status.HTTP_200_OK, message=None):
        """The application as it is now, read again with everything the serializer shows."""
        fresh = ApplicationSerializer(self.get_queryset().get(pk=application.pk)).data
        return Response(fresh if message is None else {"message": message, "application": fresh}, status=status_code)

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = data.get("candidate_data")
        try:
            application = services.add_application(
                job=data["job"],
                by=request.user,
                candidate=data.get("candidate_id"),
                profile=dict(profile) if profile is not None else None,
                answers=data["form_answers"],
                notes=data["notes"],
                source=data["source"],
                tags=data["tags"],
            )
        except services.AlreadyApplied:
            raise BadRequest({"job": ["This candidate has already applied to this job."]}) from None
        return self._answer(application, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        application = self.get_object()
        serializer = self.get_serializer(application, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_application(application=application, changes=serializer.validated_data, by=request.user)
        return self._answer(application)

    def perform_destroy(self, application):
        if extensions.delete_application(application, by=self.request.user, reason=DELETED_THROUGH_API) is None:
            raise NotFound()  # deleted by someone else since it was read

    @extend_schema(request=None, responses={200: MoveAnswerSerializer, 400: MessageSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, application_id=None):
        """Move to the job's next active stage, as the board's "Advance" does (its stage actions follow)."""
        application = self.get_object()
        try:
            entry = services.advance_application(application=application, by=request.user)
        except ValidationError as error:
            return Response({"message": error.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        return self._answer(application, message=f"{application.candidate} moved to {entry.to_stage_name}.")

    @extend_schema(request=MoveStageSerializer, responses={200: MoveAnswerSerializer})
    @action(detail=True, methods=["post"], url_path="move-stage")
    def move_stage(self, request, application_id=None):
        """Move to a stage of its job, named by id or by name, as the board's "Move to…" does."""
        application = self.get_object()
        serializer = MoveStageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stage = services.stage_of(application.job, serializer.validated_data["stage_id"])
        try:
            entry = services.move_application(
                application=application, to_stage=stage, by=request.user, note=serializer.validated_data["notes"]
            )
        except ValidationError as error:
            return Response({"message": error.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        moved = "moved to" if entry else "is already in"
        return self._answer(application, message=f"{application.candidate} {moved} {stage.name}.")
