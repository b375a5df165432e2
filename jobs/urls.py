from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("preview-markdown/", views.markdown_preview, name="markdown_preview"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/edit/", views.job_edit, name="edit"),
    path("<int:pk>/status/", views.set_job_status, name="set_status"),
    path("<int:pk>/team/", views.add_team_member, name="add_team_member"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.remove_team_member, name="remove_team_member"),
    path("<int:pk>/form/", views.form_builder, name="form_builder"),
    path("<int:pk>/form/settings/", views.form_settings, name="form_settings"),
    path("<int:pk>/form/fields/", views.add_field, name="add_field"),
    path("<int:pk>/form/fields/order/", views.reorder_fields, name="reorder_fields"),
    path("<int:pk>/form/fields/<int:field_pk>/", views.edit_field, name="edit_field"),
    path("<int:pk>/form/fields/<int:field_pk>/delete/", views.delete_field, name="delete_field"),
    path("<int:pk>/form/fields/<int:field_pk>/toggle/", views.toggle_field, name="toggle_field"),
    path("<int:pk>/form/fields/<int:field_pk>/move/", views.move_field, name="move_field"),
    path("<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("<int:pk>/scorecard/attributes/", views.add_attribute, name="add_attribute"),
    path("<int:pk>/scorecard/attributes/<int:attribute_pk>/", views.edit_attribute, name="edit_attribute"),
    path("<int:pk>/scorecard/attributes/<int:attribute_pk>/move/", views.move_attribute, name="move_attribute"),
    path("<int:pk>/scorecard/attributes/<int:attribute_pk>/delete/", views.delete_attribute, name="delete_attribute"),
]
