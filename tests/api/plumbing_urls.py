"""A URLconf with one small endpoint, for tests of the API's shared plumbing (tests/api/test_plumbing.py)."""

from django.core.exceptions import ValidationError
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class Echo(APIView):
    """Says who called in which organisation; POST echoes the body, or raises a service's ValidationError."""

    def get(self, request):
        return Response(
            {"user": request.user.email, "organization": request.organization.pk, "role": request.membership.role}
        )

    def post(self, request):
        if request.data.get("fail"):
            raise ValidationError({"title": "Give the job a title.", "__all__": "And something else."})
        return Response(request.data, status=201)


class Public(APIView):
    """Open to anyone, as login and register are."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("api/v1/echo/", Echo.as_view()), path("api/v1/public/", Public.as_view())]
