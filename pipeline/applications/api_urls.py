"""/api/v1/v2/applications/ (read and write, with advance/ and move-stage/) and the read-only /api/v1/applications/."""

from rest_framework.routers import SimpleRouter

from .api import ApplicationReadViewSet, ApplicationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("v2/applications", ApplicationViewSet, basename="application")
router.register("applications", ApplicationReadViewSet, basename="application-read")

urlpatterns = router.urls
