"""The forms of the confirm dialog and the rejection form: a person's email text, and when it goes.

Only the shape is checked here; whether the text renders for each recipient is checked by the views
through pipeline.applications.emails (the same check the worker's send makes), before anything is
decided.
"""

from datetime import timedelta

from django import forms

from mail import rendering

from ...applications.choices import WrittenEmail

# When the rejection email goes: a choice, or "custom" (a number and a unit).
DELAYS = {
    "now": ("Now", timedelta(0)),
    "1h": ("In 1 hour", timedelta(hours=1)),
    "1d": ("Tomorrow (in 24 hours)", timedelta(days=1)),
    "2d": ("In 2 days", timedelta(days=2)),
    "7d": ("In a week", timedelta(days=7)),
    "custom": ("Later…", None),
}
UNITS = {"minutes": timedelta(minutes=1), "hours": timedelta(hours=1), "days": timedelta(days=1)}
LONGEST_DELAY = timedelta(days=30)


class EmailTextForm(forms.Form):
    """One email's text as a person left it: a template's source (variables kept), edited or not."""

    subject = forms.CharField(max_length=255, required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        max_length=rendering.MAX_OUTPUT,
        required=False,
        help_text="HTML. Variables such as {{ candidate.first_name }} are filled in for each person.",
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_required = required

    def clean(self):
        data = super().clean()
        if self.text_required:
            for name, label in (("subject", "Subject"), ("body", "Body")):
                if name in data and not data[name].strip():
                    self.add_error(name, f"{label}: write something.")
        return data

    def written(self, delay=timedelta(0)):
        return WrittenEmail(subject=self.cleaned_data["subject"], body=self.cleaned_data["body"], delay=delay)


class RejectForm(EmailTextForm):
    """Reject with a reason; "send the rejection email" with its text and when it goes.

    A post without `send_email` sends nothing: a bare post of a reason (an old page, a script)
    never lets an email go that a person did not see.
    """

    reason = forms.CharField(max_length=200, error_messages={"required": "Choose a reason."})
    send_email = forms.BooleanField(label="Send the rejection email", required=False, initial=True)
    delay = forms.ChoiceField(
        label="When", choices=[(key, label) for key, (label, _) in DELAYS.items()], initial="now", required=False
    )
    delay_amount = forms.IntegerField(label="How many", min_value=1, max_value=999, required=False)
    delay_unit = forms.ChoiceField(label="Unit", choices=[(unit, unit) for unit in UNITS], required=False)

    field_order = ["reason", "send_email", "subject", "body", "delay", "delay_amount", "delay_unit"]

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, required=False, **kwargs)
        self.reasons = list(reasons)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Choose a reason.")
        return reason

    def clean(self):
        data = super().clean()
        self.text_required = data.get("send_email", False)
        if not self.text_required:
            return data
        for name, label in (("subject", "Subject"), ("body", "Body")):
            if name in data and not data[name].strip():
                self.add_error(name, f"{label}: write something, or untick “Send the rejection email”.")
        if data.get("delay") == "custom":
            amount, unit = data.get("delay_amount"), data.get("delay_unit")
            if amount is None or not unit:
                self.add_error("delay_amount", "Say how many minutes, hours or days.")
            elif amount * UNITS[unit] > LONGEST_DELAY:
                self.add_error("delay_amount", "At most 30 days.")
        return data

    @property
    def delay_value(self):
        data = self.cleaned_data
        if data.get("delay") == "custom":
            return data["delay_amount"] * UNITS[data["delay_unit"]]
        return DELAYS.get(data.get("delay") or "now")[1]

    def email(self):
        """The WrittenEmail to send with the rejection, or None."""
        if not self.cleaned_data.get("send_email"):
            return None
        return self.written(delay=self.delay_value)


def when(delay):
    """ "in 2 days", "in 90 minutes", "in a moment": when an email with this delay goes."""
    if delay <= timedelta(0):
        return "in a moment"
    minutes = int(delay.total_seconds() // 60)
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return f"in {minutes} minutes"
