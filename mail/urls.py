from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("o/<str:token>.gif", views.track_open, name="open"),
    path("c/<str:token>/<int:index>/", views.track_click, name="click"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.message_detail, name="message"),
    path("outbox/<int:pk>/retry/", views.retry_message, name="retry"),
    path("analytics/", views.analytics, name="analytics"),
    path("queue/", views.queue, name="queue"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_create"),
    path("templates/preview/", views.template_preview, name="template_preview"),
    path("templates/preview/<str:token>/", views.template_preview_frame, name="template_preview_frame"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/preview/", views.template_frame, name="template_frame"),
]
