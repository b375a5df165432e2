"""Pipeline's part of /api/v1/: each room's endpoints (the room's own api_urls), side by side."""

from .applications import api_urls as applications
from .candidates import api_urls as candidates
from .interviews import api_urls as interviews
from .setup import api_urls as setup
from .tasks import api_urls as tasks

# setup: jobs/, jobs/complete/ and jobs/<id>/ (a job is made with its stages and their actions).
urlpatterns = [
    *setup.urlpatterns,
    *candidates.urlpatterns,
    *applications.urlpatterns,
    *tasks.urlpatterns,
    *interviews.urlpatterns,
]
