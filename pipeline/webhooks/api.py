"""Webhook endpoints in the JSON API (/api/v1/webhooks/), for the organisation's admins.

The same rule as the Settings → Webhooks pages: `manage_organization`, for reads too (the log shows
what was sent about candidates). Another organisation's endpoint is a 404. Every change goes
through services.py.
"""

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.api.permissions import ability

from . import services
from .models import WebhookDelivery, WebhookEndpoint
from .serializers import DeliverySerializer, EndpointSerializer, EndpointWithSecretSerializer

_DELIVERY_ID = OpenApiParameter("delivery_id", int, OpenApiParameter.PATH, description="A delivery of this endpoint.")


def _with_secret(endpoint, code):
    response = Response(EndpointWithSecretSerializer(endpoint).data, status=code)
    add_never_cache_headers(response)  # the secret is in this answer only: no cache keeps a copy
    return response


@extend_schema_view(
    list=extend_schema(summary="The organisation's webhook endpoints, oldest first."),
    retrieve=extend_schema(summary="One endpoint (its secret is never shown again)."),
    create=extend_schema(
        summary="Register an endpoint; the answer holds its signing secret, shown this once.",
        responses={201: EndpointWithSecretSerializer},
    ),
    partial_update=extend_schema(summary="Change an endpoint's address, events, description or is_active."),
    update=extend_schema(summary="Replace an endpoint's address, events, description and is_active."),
    destroy=extend_schema(summary="Delete an endpoint and its delivery log."),
)
class WebhookEndpointViewSet(viewsets.ModelViewSet):
    queryset = WebhookEndpoint.objects.none()  # the schema's model; get_queryset is the caller's scope
    serializer_class = EndpointSerializer
    permission_classes = [ability("manage_organization", safe_methods_too=True)]
    filter_backends = []

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(organization=self.request.organization).order_by("created_at", "pk")

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = services.create_endpoint(
            organization=request.organization, url=data["url"], events=data["events"],
            description=data["description"], by=request.user,
        )  # fmt: skip
        if not data["is_active"]:
            services.update_endpoint(endpoint=endpoint, is_active=False)
        return _with_secret(endpoint, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        endpoint = self.get_object()
        serializer = self.get_serializer(endpoint, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.update_endpoint(
            endpoint=endpoint, url=data.get("url"), events=data.get("events"),
            description=data.get("description"), is_active=data.get("is_active"),
        )  # fmt: skip
        return Response(self.get_serializer(endpoint).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.delete_endpoint(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A new signing secret; the old one keeps signing beside it for 24 hours.",
        request=None,
        responses={200: EndpointWithSecretSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = services.rotate_secret(endpoint=self.get_object())
        return _with_secret(endpoint, status.HTTP_200_OK)

    @extend_schema(summary="The endpoint's deliveries, newest first.", responses={200: DeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        page = self.paginate_queryset(endpoint.deliveries.order_by("-created_at", "-pk"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a delivery again (same event id, retries anew); it goes through the worker.",
        request=None,
        parameters=[_DELIVERY_ID],
        responses={202: DeliverySerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[^/.]+)/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        delivery = get_object_or_404(WebhookDelivery, endpoint=self.get_object(), pk=delivery_id)
        services.redeliver(delivery=delivery)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
