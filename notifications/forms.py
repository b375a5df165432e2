from django import forms

from .models import Category, Email
from .services import DIGEST_NEEDS_IN_APP, digest_conflicts


class PreferencesForm(forms.Form):
    """Per category: in the app (on/off) and by email (off, at once, in the daily digest); and the digest's time."""

    send_at = forms.TimeField(
        label="Send my daily digest at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your own time zone. The digest holds what you haven't read yet, once a day.",
    )

    def __init__(self, *args, categories, choices, schedule, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["send_at"].initial = schedule.send_at
        for category in categories:
            in_app, email = choices[category]
            label = Category(category).label
            self.fields[f"{category}-in_app"] = forms.BooleanField(
                label=f"{label}: in the app", required=False, initial=in_app
            )
            self.fields[f"{category}-email"] = forms.ChoiceField(
                label=f"{label}: by email", choices=Email.choices, initial=email
            )

    def clean(self):
        cleaned = super().clean()
        chosen = {c: (cleaned.get(f"{c}-in_app"), cleaned.get(f"{c}-email")) for c in self.categories}
        for category in digest_conflicts(chosen):
            self.add_error(f"{category}-email", DIGEST_NEEDS_IN_APP)
        return cleaned

    def rows(self):
        """(label, in-app field, email field) for each category, for the template's table."""
        return [(Category(c).label, self[f"{c}-in_app"], self[f"{c}-email"]) for c in self.categories]

    def choices(self):
        return {c: (self.cleaned_data[f"{c}-in_app"], self.cleaned_data[f"{c}-email"]) for c in self.categories}
