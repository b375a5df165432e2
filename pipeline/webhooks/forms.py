from django import forms

from .models import Event


class EndpointForm(forms.Form):
    """What an admin types; services.py decides whether it is a valid endpoint (its errors land here)."""

    url = forms.CharField(
        label="Payload URL", max_length=500, help_text="An https:// address on the public internet.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/ats-webhook"}),
    )  # fmt: skip
    description = forms.CharField(label="Description", max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label="Events", choices=Event.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )  # fmt: skip


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label="Active", required=False, help_text="An inactive endpoint hears of no event and is sent nothing."
    )
