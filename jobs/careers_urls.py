from django.urls import path

from . import careers

app_name = "careers"

urlpatterns = [
    path("", careers.careers_root, name="root"),
    path("<slug:org_slug>/", careers.careers_index, name="index"),
    path("<slug:org_slug>/feed.xml", careers.careers_feed, name="feed"),
    # "-" is never a job slug, so the logo and the stylesheet never shadow a job page.
    path("<slug:org_slug>/-/logo/", careers.organization_logo, name="logo"),
    path("<slug:org_slug>/-/brand.css", careers.brand_stylesheet, name="brand"),
    path("<slug:org_slug>/<slug:job_slug>/", careers.careers_job, name="job"),
]
