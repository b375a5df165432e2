"""OpenAPI: every operation documents its error answers, so clients (and schemathesis) know them all."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

Detail = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
# `{"field": ["message", ...]}`: the fields depend on the operation.
ValidationErrors = OpenApiResponse(
    response={"type": "object", "additionalProperties": True},
    description="Invalid input: each field's messages, or `detail`.",
)
ERRORS = {
    "400": ValidationErrors,
    "401": OpenApiResponse(Detail, description="No credentials, or invalid ones."),
    "403": OpenApiResponse(Detail, description="Your role (or a read-only key) does not allow this."),
    "404": OpenApiResponse(Detail, description="No such object in your organisation."),
    "429": OpenApiResponse(Detail, description="Too many requests: wait the seconds in Retry-After."),
}


# A body past the /api/ size limit is refused before any view reads it (ats/limits.py).
TOO_LARGE = OpenApiResponse(Detail, description="The request body is larger than the API takes.")
# gunicorn refuses a request line (method, path and query) past 4094 bytes before Django sees it, in plain text.
URI_TOO_LONG = OpenApiResponse({"type": "string"}, description="The path and query are longer than the server reads.")


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**ERRORS, "413": TOO_LARGE} if self.method in ("POST", "PUT", "PATCH") else ERRORS
        for status, response in errors.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(response, status, direction=direction)
        responses["414"] = self._get_response_for_code(URI_TOO_LONG, "414", ["text/plain"], direction)
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key (`Bearer ats_…`, or `Token ats_…`).",
        }


class JWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.OrganizationJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "From POST /api/login/."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
