from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("jobs", api.JobViewSet, basename="job")

# Before the router's jobs/<pk>/, which would read "complete" as an id.
urlpatterns = [path("jobs/complete/", api.CompleteJobView.as_view(), name="job-complete"), *router.urls]
