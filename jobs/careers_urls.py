from django.urls import path

from . import careers

app_name = "careers"

urlpatterns = [
    path("<slug:org_slug>/", careers.careers_index, name="index"),
    path("<slug:org_slug>/feed.xml", careers.JobsFeed(), name="feed"),
    # "-" is never a job slug, so the logo never shadows a job page.
    path("<slug:org_slug>/-/logo/", careers.organization_logo, name="logo"),
    path("<slug:org_slug>/<slug:job_slug>/", careers.careers_job, name="job"),
]
