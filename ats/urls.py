from django.contrib import admin
from django.urls import include, path

from jobs import careers_urls
from pipeline import urls as pipeline_urls

from . import api_urls, views

# The product's name (README: "ATS") on every admin page: the header, the <title> and the index heading.
admin.site.site_header = "ATS administration"
admin.site.site_title = "ATS administration"
admin.site.index_title = "ATS site administration"

# One "careers" namespace for the public site: job pages (jobs) and applying (pipeline).
careers = ([*pipeline_urls.public_urlpatterns, *careers_urls.urlpatterns], "careers")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("health/", views.health, name="health"),
    path("api/health/", views.health),
    path("api/v1/health/", views.health),
    path("status/", views.status, name="status"),
    path("metrics/", views.metrics, name="metrics"),
    path("accounts/", include("allauth.urls")),
    path("jobs/", include("jobs.urls")),
    path("careers/", include(careers)),
    path("mail/", include("mail.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("pipeline.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    *api_urls.urlpatterns,
]
