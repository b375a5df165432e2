"""Query-parameter filters the API's lists share."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..params import MAX_ID


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object's id (`?application=12`): a whole number a database column holds, else a 400, never a 500.

    django-filter's NumberFilter takes decimals, and on a foreign key the schema can't tell its type.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
