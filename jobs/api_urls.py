from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("job-forms", api.JobFormViewSet, basename="job-form")
router.register("form-fields", api.FormFieldViewSet, basename="form-field")
router.register("job-sites", api.JobSiteViewSet, basename="job-site")
router.register("teams", api.TeamViewSet, basename="team")
router.register("team-members", api.TeamMemberViewSet, basename="team-member")

urlpatterns = router.urls
