"""The email API under /api/ (docs/api.md "Email")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("templates", api.TemplateViewSet, basename="email-template")
router.register("emails", api.EmailViewSet, basename="email")

urlpatterns = [
    *router.urls,
    path("send/", api.SendView.as_view(), name="email-send"),
    path("analytics/", api.AnalyticsView.as_view(), name="email-analytics"),
    path("queue/status/", api.QueueStatusView.as_view(), name="email-queue-status"),
]
