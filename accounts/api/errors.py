"""The error shape of docs/api.md: validation errors `{"field": ["message", ...]}`, others `{"detail"}`.

Services raise Django's ValidationError (field-keyed, as the forms read them); here it becomes the
same 400 a serializer's own validation gives, so a rule written once answers alike on both sides.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def as_api_error(error):
    """A DRF ValidationError carrying a Django one's messages, keyed by field."""
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    return drf_exception_handler(exc, context)
