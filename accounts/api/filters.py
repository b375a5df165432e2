"""Query-parameter filters the API's lists share."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..params import FIRST_DAY, LAST_DAY, MAX_ID


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


class _SaneMomentField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        # Year 1 or 9999 with an offset is no instant a database can convert to UTC (a 500, not a 400).
        if moment is not None and not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise forms.ValidationError(f"Choose a time between the years {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 instant (`?starts_after=2026-06-10T12:00:00Z`) in a range every database can compare."""

    field_class = _SaneMomentField
