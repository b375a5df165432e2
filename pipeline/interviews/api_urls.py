from rest_framework.routers import SimpleRouter

from .api import InterviewViewSet, ScorecardViewSet

router = SimpleRouter(trailing_slash=True)
router.register("interviews", InterviewViewSet, basename="interview")
router.register("scorecards", ScorecardViewSet, basename="scorecard")

urlpatterns = router.urls
