"""The JSON API (docs/api.md): each app's endpoints at the original system's paths, and the schema.

Accounts, email and notifications under /api/ (originally the auth, email and notification
services); recruiting under /api/v1/ (the application service) with what was added since.
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts.api import urls as accounts_api
from jobs import api_urls as jobs_api
from mail import api_urls as mail_api
from notifications import api_urls as notifications_api
from pipeline import api_urls as pipeline_api
from pipeline.automation import api_urls as automation_api
from pipeline.webhooks import api_urls as webhooks_api

from . import api as ats_api
from . import views

# The documentation pages only, loosened for what they need (tests/e2e/test_api_docs.py): both set
# inline styles (a <style> block, style attributes) and draw icons as data: images; ReDoc builds its
# styles at run time, renders in a blob: worker and always shows Redocly's logo from its CDN (no
# setting turns it off). Their scripts are our static files (the sidecar); ReDoc's page is ours,
# without the Google Fonts its template links (templates/core/api_redoc.html).
_DOCS_CSP = {"style-src": [SELF, "'unsafe-inline'"], "img-src": [SELF, "data:"]}
REDOC_LOGO_HOST = "https://cdn.redoc.ly"
swagger = csp_update(_DOCS_CSP)
redoc = csp_update({**_DOCS_CSP, "img-src": [SELF, "data:", REDOC_LOGO_HOST], "worker-src": [SELF, "blob:"]})

docs = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger-ui/", swagger(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="swagger-ui"),
    path(
        "schema/redoc/",
        redoc(SpectacularRedocView.as_view(url_name="api:schema", template_name="core/api_redoc.html")),
        name="redoc",
    ),
]

v1 = [
    *automation_api.urlpatterns,
    *jobs_api.urlpatterns,
    *pipeline_api.urlpatterns,
    *webhooks_api.urlpatterns,
    *accounts_api.v1_urlpatterns,
]

urlpatterns = [
    path("api/", include((docs, "api"))),
    path("api/v1/", include((v1, "api-v1"))),
    path(
        "api/",
        include(
            (
                [
                    *ats_api.urlpatterns,
                    *accounts_api.urlpatterns,
                    *mail_api.urlpatterns,
                    *notifications_api.urlpatterns,
                    # Last: what no endpoint matched (a path parameter that is not a number, say) answers
                    # JSON like the rest of the API. Paths ending in "/" only, so APPEND_SLASH still works.
                    re_path(r"^(?:[\s\S]*/)?$", views.api_not_found),  # any character, a newline too
                ],
                "api-root",
            )
        ),
    ),
]
