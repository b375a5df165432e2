from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("organization/", views.organization_settings, name="organization_settings"),
    path("organization/api-keys/", views.api_keys, name="api_keys"),
    path("organization/api-keys/new/", views.create_api_key, name="create_api_key"),
    path("organization/api-keys/<int:pk>/revoke/", views.revoke_api_key, name="revoke_api_key"),
    path("organization/members/", views.members, name="members"),
    path("organization/members/invite/", views.invite_member, name="invite_member"),
    path("organization/members/<int:pk>/role/", views.change_role, name="change_role"),
    path("organization/members/<int:pk>/active/", views.set_member_active, name="set_member_active"),
    path("organization/invitations/<int:pk>/resend/", views.resend_invitation, name="resend_invitation"),
    path("organization/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
