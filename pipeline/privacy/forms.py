from datetime import timedelta

from django import forms
from django.utils import timezone

from .models import ErasureRecord, RetentionExtension

# Further than this is more likely a typo (2205 for 2025) than a plan; extend again when the time comes.
LONGEST_EXTENSION = timedelta(days=10 * 366)


class EraseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why",
        choices=[(value, label) for value, label in ErasureRecord.Reason.choices if value != "retention"],
        initial=ErasureRecord.Reason.REQUEST,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class ExtendRetentionForm(forms.Form):
    retain_until = forms.DateField(label="Keep their data until", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Why",
        max_length=RetentionExtension._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name, e.g. “In our talent pool with their consent of 2 March”.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_retain_until(self):
        day = self.cleaned_data["retain_until"]
        today = self.organization.local_date(timezone.now())
        if day > today + LONGEST_EXTENSION:
            raise forms.ValidationError("Choose a day within ten years; extend again when the time comes.")
        return day
