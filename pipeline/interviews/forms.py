import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from accounts.models import Membership
from accounts.params import to_int

from .models import Interview
from .services import MAX_MINUTES, MIN_MINUTES
from .slots import bookable_window

# A wall time typed in a form is read in the organiser's zone, in this format (what datetime-local sends).
WALL_TIME = "%Y-%m-%dT%H:%M"


class WallTimeField(forms.DateTimeField):
    """A date and time on the clock of `zone` (whatever zone the request has active), as an aware instant.

    A time that doesn't exist there (the hour skipped by a DST change) or exists twice is refused,
    as Django refuses it in the active zone.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WALL_TIME)
    input_formats = [WALL_TIME, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, *args, **kwargs):
        self.zone = datetime.UTC
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)


class PanelField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def _check_values(self, value):
        # A number no database column holds is no member: refused before it reaches the query.
        for pk in value:
            if to_int(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    def label_from_instance(self, user):
        role = Membership.Role(user.role).label if user.role in Membership.Role.values else ""
        return f"{user.get_full_name()} · {role}" if role else user.get_full_name()


class InterviewForm(forms.Form):
    """An interview's title, time, length, panel and place. The rules (a length between 5 minutes and
    8 hours, only active members on the panel, something changed) are services.py's: its errors are
    added to these fields by the view."""

    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the interview a title."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. Technical interview"}),
    )
    starts_at = WallTimeField(label="Date and time", error_messages={"required": "Give a date and time."})
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"step": 5, "min": MIN_MINUTES, "max": MAX_MINUTES}),
    )
    interviewers = PanelField(queryset=None, required=False, label="Interviewers")
    location = forms.CharField(
        label="Place or video link",
        max_length=Interview._meta.get_field("location").max_length,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. https://meet.example.com/abc or Room 4, 2nd floor"}),
    )
    schedule_anyway = forms.BooleanField(label="Schedule anyway", required=False)

    def __init__(self, *args, zone, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["starts_at"].zone = zone
        self.fields["interviewers"].queryset = members
        self.fields["starts_at"].help_text = f"Your time ({_zone_label(zone)})."

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError("Give the interview a title.")
        return title

    def clean_location(self):
        return self.cleaned_data["location"].strip()

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        first, last = bookable_window()
        if not first <= starts_at <= last:
            shown = [formats.date_format(day.astimezone(self.zone)) for day in (first, last)]
            raise ValidationError(f"Choose a time between {shown[0]} and {shown[1]}.")
        return starts_at

    @property
    def ends_at(self):
        data = self.cleaned_data
        return data["starts_at"] + datetime.timedelta(minutes=data["duration_minutes"])

    def add_service_error(self, error):
        """A ValidationError of services.py, on the fields it names (the rest above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=300, required=False)


def _zone_label(zone):
    now = timezone.now().astimezone(zone)
    abbreviation = now.tzname()
    name = getattr(zone, "key", str(zone))
    return name if abbreviation in (name, None) else f"{name}, {abbreviation}"
