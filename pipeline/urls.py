from django.urls import path

from . import views

app_name = "pipeline"

urlpatterns = [
    path("jobs/<int:pk>/applications/", views.job_applications, name="job_applications"),
    path("candidates/<int:pk>/resume/", views.download_resume, name="download_resume"),
    path("answers/<int:pk>/file/", views.download_answer_file, name="download_answer_file"),
]

# Public pages, mounted under /careers/ beside the jobs app's careers pages.
public_urlpatterns = [
    path("<slug:org_slug>/<slug:job_slug>/apply/", views.apply, name="apply"),
    path("<slug:org_slug>/<slug:job_slug>/apply/thanks/", views.thanks, name="thanks"),
]
