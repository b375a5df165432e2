"""/api/v1/candidates/ (docs/api.md "Recruiting")."""

from rest_framework.routers import SimpleRouter

from .api import CandidateViewSet

router = SimpleRouter(trailing_slash=True)
router.register("candidates", CandidateViewSet, basename="candidate")

urlpatterns = router.urls
