from rest_framework.routers import SimpleRouter

from .api import TaskCommentViewSet, TaskViewSet

router = SimpleRouter(trailing_slash=True)
router.register("tasks", TaskViewSet, basename="task")
router.register("task-comments", TaskCommentViewSet, basename="task-comment")

urlpatterns = router.urls
