"""The email API (docs/api.md "Email"): templates, sending, the log, analytics and the queue.

The same services, selectors and role rules as the mail pages: reading needs `send_email` (as the
outbox and the template list do), changing a template `manage_templates` (as the editor does).
"""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import ability
from accounts.params import MAX_ID

from . import selectors, services
from .models import EmailMessage, EmailTemplate
from .serializers import (
    EmailAnalyticsSerializer,
    EmailMessageDetailSerializer,
    EmailMessageSerializer,
    EmailQueueStatusSerializer,
    EmailSendResultSerializer,
    EmailSendSerializer,
    EmailTemplateSerializer,
)

MAY_SEND = ability("send_email", safe_methods_too=True)


class TemplateFilter(filters.FilterSet):
    template_type = filters.ChoiceFilter(field_name="category", choices=EmailTemplate.Category.choices)

    class Meta:
        model = EmailTemplate
        fields = ["template_type", "is_active"]


class TemplateViewSet(viewsets.ModelViewSet):
    queryset = EmailTemplate.objects.none()  # for the schema; get_queryset scopes to the organisation
    serializer_class = EmailTemplateSerializer
    permission_classes = [MAY_SEND, ability("manage_templates")]
    filterset_class = TemplateFilter
    search_fields = ["name", "key", "subject"]
    ordering_fields = ["name", "key", "created_at", "updated_at"]
    ordering = ["name", "pk"]

    def get_queryset(self):
        return EmailTemplate.objects.filter(organization=self.request.organization).order_by("name", "pk")

    def perform_destroy(self, instance):
        services.delete_template(template=instance)


class IdFilter(filters.NumberFilter):
    """An id: a fraction, a negative number or one past any id is a 400, never a rounded match."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class EmailFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=EmailMessage.Status.choices)
    to = filters.CharFilter(field_name="to", lookup_expr="icontains", help_text="Recipients containing this text.")
    template = IdFilter(field_name="template_id", help_text="A template's id.")

    class Meta:
        model = EmailMessage
        fields = ["status", "to", "template"]


class EmailViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisation's outbox and log, newest first. Nothing here is ever deleted."""

    queryset = EmailMessage.objects.none()  # for the schema; get_queryset scopes to the organisation
    permission_classes = [MAY_SEND]
    filterset_class = EmailFilter
    search_fields = ["subject"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        emails = EmailMessage.objects.filter(organization=self.request.organization).select_related("template")
        if self.action == "retrieve":
            emails = emails.prefetch_related("events")
        return emails.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return EmailMessageDetailSerializer if self.action == "retrieve" else EmailMessageSerializer


class SendView(APIView):
    permission_classes = [ability("send_email")]

    @extend_schema(request=EmailSendSerializer, responses={202: EmailSendResultSerializer})
    def post(self, request):
        """Queue an email to each address: a template filled with `context`, or your own subject and body."""
        serializer = EmailSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "template" in data:
            template = services.find_template(organization=request.organization, name_or_key=data["template"])
            messages = services.queue_template_to(
                organization=request.organization, to=data["to"], template=template,
                context=data.get("context", {}), sent_by=request.user,
            )  # fmt: skip
        else:
            messages = services.queue_written_to(
                organization=request.organization, to=data["to"], subject=data["subject"],
                body_html=data.get("body_html", ""), body_text=data.get("body_text", ""), sent_by=request.user,
            )  # fmt: skip
        return Response({"message_ids": [message.pk for message in messages]}, status=status.HTTP_202_ACCEPTED)


class AnalyticsView(APIView):
    permission_classes = [MAY_SEND]

    @extend_schema(responses={200: EmailAnalyticsSerializer})
    def get(self, request):
        """Totals and rates (sent, failed, opened, clicked) overall, per template and per day: the analytics page's."""
        return Response(EmailAnalyticsSerializer(selectors.analytics_data(request.organization)).data)


class QueueStatusView(APIView):
    permission_classes = [MAY_SEND]

    @extend_schema(responses={200: EmailQueueStatusSerializer})
    def get(self, request):
        """The outbox by status and whether the worker is alive: the queue page's."""
        return Response(EmailQueueStatusSerializer(selectors.queue_status(request.organization)).data)
