"""Interviews and scorecards in the JSON API (/api/v1/interviews/, /api/v1/scorecards/).

The same rules as the pages (pipeline.interviews.views and .feedback): an interview comes through
interviews_visible_to (an interviewer sees only those they are on; another organisation's is a 404);
scheduling, rescheduling and cancelling follow access.may_schedule (403); feedback is the panel's,
and blind (access.all_scorecards_visible_to). Every change goes through services.py, so the
invitations, updates and cancellations queued are the pages' own.

A clash (someone on the panel in another interview then) is a 400 naming them, as the scheduling
page shows it first; `"ignore_conflicts": true` is its "Schedule anyway".
"""

import datetime

import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from accounts.api.filters import IdFilter, MomentFilter
from accounts.api.schema import ERRORS

from . import calendar, emails, services
from .access import all_scorecards_visible_to, interviews_visible_to, is_on_panel, may_schedule
from .models import Interview, PanelMember, Scorecard
from .serializers import (
    CancelSerializer,
    InterviewSerializer,
    InterviewUpdateSerializer,
    ScorecardSerializer,
    ScorecardUpdateSerializer,
)

_NOT_YOURS = "Only recruiters and the job's hiring managers arrange its interviews."
_NOT_ON_PANEL = "Only the interview's panel gives feedback on it."
_NOT_AUTHOR = "Only its author changes a scorecard."
_RESCHEDULED = ("starts_at", "duration_minutes", "title", "location")


class CalendarRenderer(renderers.BaseRenderer):
    """The .ics download's body, as built (bytes). Answers `Accept: text/calendar` and `*/*`."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _require_scheduling(membership, application):
    if not may_schedule(membership, application):
        raise PermissionDenied(_NOT_YOURS)


def _utc_text(moment):
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _refuse_clashes(conflicts):
    """The 400 of a clash: who is busy, and when (their other interviews' times only, as the page shows)."""
    busy = []
    for user, others in sorted(conflicts.items(), key=lambda item: item[0].get_full_name().lower()):
        times = ", ".join(f"{_utc_text(other.starts_at)}–{_utc_text(other.ends_at)}" for other in others)
        busy.append(f"{user.get_full_name()} <{user.email}> is in another interview then: {times}.")
    raise ApiValidationError(
        {
            "interviewers": busy,
            "ignore_conflicts": ["Nothing is scheduled yet: choose another time or panel, or send true."],
        }
    )


class InterviewFilter(django_filters.FilterSet):
    application = IdFilter(field_name="application_id", help_text="The interviews about this application id.")
    interviewer = IdFilter(field_name="panel__user_id", help_text="The interviews this user id is on.")
    status = django_filters.ChoiceFilter(choices=Interview.Status.choices)
    starts_after = MomentFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = MomentFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Interview
        fields = []


_PANEL = Prefetch("panel", queryset=PanelMember.objects.select_related("user").order_by("pk"))

_ICS_RESPONSES = {
    (200, "text/calendar"): OpenApiResponse(
        OpenApiTypes.STR, description="The panel's calendar event (the one its invitations carry): same UID."
    ),
    **{(int(code), "application/json"): response for code, response in ERRORS.items()},
    (406, "application/json"): OpenApiResponse(ERRORS["404"].response, description="Accept says no text/calendar."),
}


@extend_schema_view(
    list=extend_schema(summary="The interviews I may see (an interviewer: those I am on), by start time."),
    create=extend_schema(
        summary="Schedule an interview: the candidate and the panel get their invitations (.ics).",
        description="A clash with another interview of someone on the panel is a 400 naming them, unless "
        '`"ignore_conflicts": true`.',
    ),
    partial_update=extend_schema(
        summary="Reschedule (time, length, title, place, panel): everyone concerned is told.",
        request=InterviewUpdateSerializer,
    ),
)
class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """Interviews are cancelled (POST cancel/), never deleted: their invitations went out."""

    queryset = Interview.objects.none()  # the schema's model; get_queryset is the caller's scope
    serializer_class = InterviewSerializer
    filterset_class = InterviewFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return interviews_visible_to(self.request.membership).prefetch_related(_PANEL).order_by("starts_at", "pk")

    def _answer(self, interview, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=interview.pk)).data, status=status_code)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = data["application"]
        _require_scheduling(request.membership, application)
        conflicts = services.panel_conflicts(
            organization=request.organization, interviewers=data["interviewers"], starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
        )  # fmt: skip
        if conflicts and not data["ignore_conflicts"]:
            _refuse_clashes(conflicts)
        interview = services.schedule_interview(
            application=application, organizer=request.user, by=request.user, interviewers=data["interviewers"],
            **{field: data[field] for field in _RESCHEDULED},
        )  # fmt: skip
        return self._answer(interview, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        interview = self.get_object()
        _require_scheduling(request.membership, interview.application)
        serializer = InterviewUpdateSerializer(
            interview, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # What the PATCH doesn't name stays as it is.
        changes = {field: data.get(field, getattr(interview, field)) for field in _RESCHEDULED}
        panel = data.get("interviewers", [seat.user for seat in interview.panel.all()])
        if not interview.is_cancelled:  # a cancelled one is refused by the service, clash or not
            conflicts = services.panel_conflicts(
                organization=request.organization, interviewers=panel, starts_at=changes["starts_at"],
                duration_minutes=changes["duration_minutes"], interview=interview,
            )  # fmt: skip
            if conflicts and not data.get("ignore_conflicts"):
                _refuse_clashes(conflicts)
        interview = services.reschedule_interview(interview=interview, by=request.user, interviewers=panel, **changes)
        return self._answer(interview)

    @extend_schema(
        summary="Cancel an interview still to come: the candidate and the panel get a cancellation.",
        description="An interview that has begun took place: cancelling it is a 400.",
        request=CancelSerializer,
        responses={200: InterviewSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        interview = self.get_object()
        _require_scheduling(request.membership, interview.application)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_interview(interview=interview, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(interview)

    @extend_schema(
        summary="The interview's calendar event (.ics), as the panel's invitations carry it.",
        responses=_ICS_RESPONSES,
    )
    @action(detail=True, methods=["get"], renderer_classes=[CalendarRenderer])
    def ics(self, request, pk=None):
        interview = self.get_object()
        panel = [seat.user for seat in interview.panel.all()]
        method = calendar.CANCEL if interview.is_cancelled else calendar.REQUEST
        body = emails.panel_calendar(interview, panel, method=method)
        headers = {"Content-Disposition": f'attachment; filename="interview-{interview.pk}.ics"'}
        return Response(body, headers=headers, content_type=f"text/calendar; charset=utf-8; method={method}")

    def finalize_response(self, request, response, *args, **kwargs):
        # Only the calendar itself is text/calendar: the download's errors (a 406 included, negotiated
        # or not) and its OPTIONS are JSON like every other answer.
        renderer = getattr(request, "accepted_renderer", None)
        if (
            isinstance(response, Response)
            and not isinstance(response.data, bytes)
            and (renderer is None or isinstance(renderer, CalendarRenderer))
        ):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ScorecardFilter(django_filters.FilterSet):
    interview = IdFilter(field_name="interview_id", help_text="The scorecards of this interview id.")
    application = IdFilter(field_name="interview__application_id", help_text="Of this application id.")
    author = IdFilter(field_name="author_id", help_text="Written by this user id.")

    class Meta:
        model = Scorecard
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="The scorecards I may read: blind until I have given mine on an application (then everyone's)."
    ),
    create=extend_schema(
        summary="Give my feedback on an interview I was on (once it has begun); again replaces it.",
        responses={201: ScorecardSerializer, 200: ScorecardSerializer},
    ),
    partial_update=extend_schema(summary="Change my own scorecard.", request=ScorecardUpdateSerializer),
)
class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    queryset = Scorecard.objects.none()  # the schema's model; get_queryset is the caller's scope
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        scorecards = all_scorecards_visible_to(self.request.membership).select_related("author", "interview")
        return scorecards.order_by("submitted_at", "pk")

    def _submit(self, *, interview, **fields):
        return services.submit_scorecard(interview=interview, author=self.request.user, **fields)

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        interview = data["interview"]
        if not is_on_panel(request.user, interview):
            raise PermissionDenied(_NOT_ON_PANEL)
        existed = Scorecard.objects.filter(interview=interview, author=request.user).exists()
        scorecard = self._submit(interview=interview, recommendation=data["recommendation"],
                                 ratings=data["ratings"], notes=data["notes"])  # fmt: skip
        answer = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(self.get_queryset().get(pk=scorecard.pk)).data, status=answer)

    def partial_update(self, request, pk=None):
        scorecard = self.get_object()
        if scorecard.author_id != request.user.pk:
            raise PermissionDenied(_NOT_AUTHOR)
        serializer = ScorecardUpdateSerializer(
            scorecard, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kept = {each["attribute"]: each["rating"] for each in scorecard.ratings}
        scorecard = self._submit(
            interview=scorecard.interview, recommendation=data.get("recommendation", scorecard.recommendation),
            ratings=data.get("ratings", kept), notes=data.get("notes", scorecard.notes),
        )  # fmt: skip
        return Response(self.get_serializer(self.get_queryset().get(pk=scorecard.pk)).data)
