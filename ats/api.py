"""API endpoints that orchestrate across apps (as ats does for pages)."""

urlpatterns = []  # under /api/
