from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

urlpatterns = [  # under /api/
    path("login/", views.LoginView.as_view(), name="login"),
    path("token/refresh/", views.RefreshView.as_view(), name="token_refresh"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("users/", views.MemberViewSet.as_view({"get": "list"}), name="users"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
]

v1 = SimpleRouter(trailing_slash=True)
v1.register("societies", views.SocietyViewSet, basename="society")
v1.register("api-keys", views.ApiKeyViewSet, basename="api-key")
v1_urlpatterns = v1.urls  # under /api/v1/
