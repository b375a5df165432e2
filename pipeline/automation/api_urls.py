from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("workflow-templates", api.TemplateViewSet, basename="workflow-template")
router.register("workflow-steps", api.StepViewSet, basename="workflow-step")
router.register("workflow-actions", api.ActionViewSet, basename="workflow-action")
router.register("workflow-tasks", api.TaskViewSet, basename="workflow-task")

urlpatterns = router.urls
