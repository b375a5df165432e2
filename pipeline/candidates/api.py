"""/api/v1/candidates/: the candidate list, profile and erasure, through the same rules as the pages.

Visibility is candidates_visible_to (another organisation's, or a person one sees through no
application, is a 404); writes need manage_candidates, as the add and edit pages do, checked after
the lookup so a person one can't see stays a 404. DELETE erases the person (pipeline.privacy), the
one way the product removes someone: admins only, as on the candidate's page.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from accounts.api.permissions import IsMember
from accounts.permissions import can
from jobs.access import jobs_visible_to

from . import extensions, services
from .access import candidates_visible_to
from .models import Candidate
from .selectors import CANDIDATE_SORTS, candidate_filters, filter_candidates, within_jobs
from .serializers import CandidateSerializer

# The erasure record's reason (pipeline.privacy ErasureRecord.Reason): an admin erased the person.
ERASED_THROUGH_API = "manual"

LIST_PARAMETERS = [
    OpenApiParameter("search", str, description="Words in the name, email, skills or resume (all must match)."),
    OpenApiParameter("job", int, description="Applied to this job (one you can see)."),
    OpenApiParameter("stage", int, description="An application in this stage (of a job you can see)."),
    OpenApiParameter("tag", str, description="An application with this tag."),
    OpenApiParameter("source", str, description="Where the candidate came from."),
    OpenApiParameter("applied_from", OpenApiTypes.DATE, description="Applied on or after this day."),
    OpenApiParameter("applied_to", OpenApiTypes.DATE, description="Applied on or before this day."),
    OpenApiParameter("sort", str, enum=list(CANDIDATE_SORTS), description="Newest first unless told."),
]


class CandidatePermission(IsMember):
    """Adding needs manage_candidates; changing one needs it too and erasing needs manage_privacy,
    both asked once the candidate is found (one the member can't see is a 404, as on the pages)."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return view.action != "create" or can(request.membership, "manage_candidates")

    def has_object_permission(self, request, view, candidate):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can(request.membership, "manage_privacy" if view.action == "destroy" else "manage_candidates")


@extend_schema_view(
    list=extend_schema(parameters=LIST_PARAMETERS),
    destroy=extend_schema(description="Erase the person's data (admins): the same erasure as the privacy page."),
)
class CandidateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Candidate.objects.none()  # the model, for the schema; get_queryset scopes every request
    serializer_class = CandidateSerializer
    permission_classes = [CandidatePermission]
    lookup_url_kwarg = "candidate_id"
    # The candidate list's own search and filters (selectors), not the generic backends.
    filter_backends = []

    def get_queryset(self):
        # Erased people are tombstones kept for counts: like the candidate list, the API no longer lists them.
        candidates = candidates_visible_to(self.request.membership).filter(erased_at=None)
        if self.action != "list":
            return candidates
        params = self.request.query_params
        filters = candidate_filters({**params.dict(), "q": params.get("search", "")})
        jobs = jobs_visible_to(self.request.membership)
        filters = within_jobs(filters, jobs)
        return filter_candidates(candidates, filters, organization=self.request.organization, jobs=jobs)

    def perform_create(self, serializer):
        serializer.instance = services.add_candidate(
            organization=self.request.organization, by=self.request.user, values=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        services.update_candidate(candidate=serializer.instance, values=dict(serializer.validated_data))

    def perform_destroy(self, candidate):
        extensions.erase(candidate, by=self.request.user, reason=ERASED_THROUGH_API)
