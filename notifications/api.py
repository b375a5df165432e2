"""The notification API (docs/api.md "Notifications"): my notifications, telling a member, my preferences.

Everything reads through selectors.notifications_of (another member's notification is a 404) and
writes through the services the pages use, so preferences, live updates and emails apply alike.
Telling another member (POST) is for those who may send email (owners, admins, recruiters): the
recruiting roles that message people; others read and mark their own.
"""

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.errors import as_api_error
from accounts.api.permissions import IsPerson, ability

from . import services
from .models import Category, Notification
from .selectors import notifications_of
from .serializers import (
    NotificationCreateSerializer,
    NotificationNotStoredSerializer,
    NotificationPreferencesChangeSerializer,
    NotificationPreferencesSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    NotificationsMarkedSerializer,
)


class NotificationFilter(filters.FilterSet):
    unread = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unread",
        help_text="true: only unread; false: only read.",
    )  # fmt: skip
    type = filters.ChoiceFilter(field_name="category", choices=Category.choices)

    class Meta:
        model = Notification
        fields = ["unread", "type"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """My notifications in this organisation, newest first."""

    queryset = Notification.objects.none()  # for the schema; get_queryset is the member's own
    serializer_class = NotificationSerializer
    # Newest first, always: no ?ordering=.
    filter_backends = [filters.DjangoFilterBackend, SearchFilter]
    search_fields = ["title", "body"]
    filterset_class = NotificationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        mine = notifications_of(self.request.user, self.request.organization)
        return mine.select_related("actor").order_by("-created_at", "-pk")

    def get_permissions(self):
        if self.action == "create":
            return [ability("send_email")()]
        return [IsPerson()]

    @extend_schema(
        request=NotificationCreateSerializer,
        responses={
            201: NotificationSerializer,
            202: OpenApiResponse(
                NotificationNotStoredSerializer, description="The member turned this type off in the app."
            ),
        },
    )
    def create(self, request):
        """Tell a member of your organisation, as their preferences say (in the app, by email, or both)."""
        serializer = NotificationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            notification = services.notify_member(
                organization=request.organization, sender=request.user, user_id=data["user_id"],
                category=data["type"], title=data["title"], body=data["message"],
            )  # fmt: skip
        except ValidationError as error:
            raise as_api_error(ValidationError(_api_names(error.message_dict))) from error
        if notification is None:
            detail = "They turned in-app notifications of this type off: they are told as they chose."
            return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)
        return Response(NotificationSerializer(notification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NotificationReadSerializer, responses={200: NotificationSerializer})
    def partial_update(self, request, pk=None):
        """Mark one of my notifications read."""
        notification = self.get_object()
        serializer = NotificationReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data.get("read"):
            mine = self.get_queryset().filter(pk=notification.pk)
            services.mark_read(recipient=request.user, notifications=mine)
            notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: NotificationsMarkedSerializer})
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        """Mark all my notifications in this organisation read."""
        mine = notifications_of(request.user, request.organization)
        return Response({"marked": services.mark_read(recipient=request.user, notifications=mine)})


def _api_names(errors):
    """The service's "category" is the API's "type"."""
    return {"type" if field == "category" else field: messages for field, messages in errors.items()}


class PreferencesView(APIView):
    """Per category I can receive: in the app (on/off) and by email (off, at once, daily digest); the digest's time."""

    permission_classes = [IsPerson]

    @extend_schema(responses={200: NotificationPreferencesSerializer})
    def get(self, request):
        return Response(self._current(request))

    @extend_schema(request=NotificationPreferencesChangeSerializer, responses={200: NotificationPreferencesSerializer})
    def patch(self, request):
        serializer = NotificationPreferencesChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Named twice, the last change of a category counts.
        changes = {change.pop("category"): change for change in data.get("choices", [])}
        services.change_preferences(membership=request.membership, changes=changes, send_at=data.get("send_at"))
        return Response(self._current(request))

    def _current(self, request):
        choices = services.choices_of(request.user)
        rows = [
            {"category": c, "label": Category(c).label, "in_app": choices[c][0], "email": choices[c][1]}
            for c in services.categories_for(request.membership)
        ]
        send_at = services.schedule_of(request.user).send_at
        return NotificationPreferencesSerializer({"send_at": send_at, "choices": rows}).data
