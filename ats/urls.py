from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "ATS administration"
admin.site.site_title = "ATS admin"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", views.health, name="health"),
    path("api/health/", views.health),
    path("api/v1/health/", views.health),
    path("status/", views.status, name="status"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
