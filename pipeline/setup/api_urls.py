from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("jobs", api.JobViewSet, basename="job")

urlpatterns = router.urls
