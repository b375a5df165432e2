"""The notification API under /api/ (docs/api.md "Notifications")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("notifications", api.NotificationViewSet, basename="notification")

urlpatterns = [
    *router.urls,
    path("preferences/", api.PreferencesView.as_view(), name="notification-preferences"),
]
