"""The forms of stage automation: each kind of stage action, as the Stages page shows it; and a
person's email text, as the confirm dialog and the rejection form take it.

The forms read what was typed into plain values; the rules (whose members, whose templates, which
variables, which bounds) are pipeline.automation.editing's, whose errors `show_errors` puts beside
the fields they are about.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from accounts.models import Membership
from jobs.models import HiringTeamMember
from mail import rendering
from mail.models import EmailTemplate

from ..applications.choices import WrittenEmail
from ..tasks.models import Task
from .editing import MAX_DELAY_DAYS, TEXTS
from .models import StageAction

Kind = StageAction.Kind
ROLE_CHOICES = HiringTeamMember.Role.choices
DELAY_UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
# The variables' groups the picker offers, in its order.
PICKED_ROOTS = ("candidate", "job", "stage", "organization", "links")


def member_choices(organization):
    """(user id, name) of the organisation's active members: who an action may name."""
    members = (
        Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    return [(member.user_id, str(member.user)) for member in members]


def _people_field(label, help_text=""):
    return forms.TypedMultipleChoiceField(
        label=label, coerce=int, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def _roles_field():
    return forms.MultipleChoiceField(
        label="Hiring team",
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Whoever holds the role on the job's hiring team.",
    )


def _whole_number(label, *, low, high, message, **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={"min_value": message, "max_value": message, "invalid": "Enter a whole number."},
        widget=forms.NumberInput(attrs={"class": "number-input"}),
        **kwargs,
    )


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, template):
        category = template.get_category_display()
        return template.name if category.lower() == template.name.lower() else f"{template.name} ({category.lower()})"


class ActionForm(forms.Form):
    """What every kind's form shares: the organisation's members to choose from, the errors of the rules."""

    kind = None
    first_field = "title"
    # A rule's field (editing.py) -> the field it is shown beside here; unnamed ones go to the form's top.
    error_fields = {}

    def __init__(self, data=None, *, organization, action=None):
        super().__init__(data, initial=self.initial_from(action) if action else None, auto_id="action-%s")
        self.organization = organization
        # The form opens where the person clicked: start them at its first field to type in.
        self.fields[self.first_field].widget.attrs["autofocus"] = True
        if "members" in self.fields:
            self.fields["members"].choices = member_choices(organization)

    def initial_from(self, action):
        return {name: getattr(action, name) for name in self.base_fields if hasattr(action, name)}

    def values(self):
        """The cleaned values as editing.create_action and update_action take them."""
        return dict(self.cleaned_data)

    def show_errors(self, error):
        """Put a ValidationError of editing.py beside the field it names."""
        for name, messages in getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages}).items():
            field = self.error_fields.get(name, name)
            self.add_error(field if field in self.fields else None, messages)

    @property
    def variables(self):
        """The variables worth offering in a title or a description, for the picker: (written, what it is).

        The most used first; none that print nothing here (an action has no sender, and no interview yet)."""
        names = sorted(
            (name for name in rendering.VARIABLES if name.partition(".")[0] in PICKED_ROOTS),
            key=lambda name: PICKED_ROOTS.index(name.partition(".")[0]),
        )
        return [("{{ " + name + " }}", rendering.VARIABLES[name][0]) for name in names]


class EmailActionForm(ActionForm):
    kind = Kind.EMAIL
    first_field = "email_template"
    error_fields = {"delay_minutes": "delay_amount", "recipients": "to_candidate"}

    email_template = TemplateChoiceField(
        label="Template",
        queryset=EmailTemplate.objects.none(),
        empty_label="Choose a template…",
        help_text="An offer or a rejection to the candidate is confirmed by a person before it goes.",
    )
    to_candidate = forms.BooleanField(label="The candidate", required=False)
    roles = _roles_field()
    members = _people_field("Named members")
    delay_amount = _whole_number(
        "Send",
        low=0,
        high=MAX_DELAY_DAYS * DELAY_UNITS["days"],
        message=f"The delay must be between 0 and {MAX_DELAY_DAYS} days.",
        initial=0,
        help_text="0 = when the application enters. A later email is skipped if the application "
        "has moved on (or is no longer active) by then.",
    )
    delay_unit = forms.ChoiceField(
        label="Unit", choices=[(unit, unit) for unit in DELAY_UNITS], initial="days", required=False
    )

    def __init__(self, data=None, *, organization, action=None):
        super().__init__(data, organization=organization, action=action)
        self.fields["email_template"].queryset = EmailTemplate.objects.filter(
            organization=organization, is_active=True
        ).order_by("name")
        if action is None and data is None:
            self.initial["to_candidate"] = True

    def initial_from(self, action):
        initial = super().initial_from(action)
        initial["email_template"] = action.email_template_id
        minutes = action.delay_minutes
        unit = next((u for u in ("days", "hours") if minutes and minutes % DELAY_UNITS[u] == 0), "minutes")
        initial["delay_amount"], initial["delay_unit"] = minutes // DELAY_UNITS[unit], unit if minutes else "days"
        return initial

    def values(self):
        data = dict(self.cleaned_data)
        unit = DELAY_UNITS.get(data.pop("delay_unit") or "minutes", 1)
        data["delay_minutes"] = data.pop("delay_amount") * unit
        return data


class NotificationActionForm(ActionForm):
    kind = Kind.NOTIFICATION
    error_fields = {"recipients": "roles"}

    roles = _roles_field()
    members = _people_field("Named members")
    title = forms.CharField(
        label="Message",
        max_length=TEXTS["title"],
        help_text="Variables such as {{ candidate.full_name }} are filled in for each application.",
    )


class TaskActionForm(ActionForm):
    kind = Kind.TASK
    error_fields = {"roles": "assignee", "members": "assignee"}

    title = forms.CharField(label="Title", max_length=TEXTS["title"])
    body = forms.CharField(
        label="Description", max_length=TEXTS["body"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assignee = forms.ChoiceField(
        label="Assign to",
        required=False,
        help_text="A role is whoever holds it on the job's hiring team (the first, if several do).",
    )
    due_in_days = _whole_number(
        "Due",
        low=0,
        high=365,
        message="The due day must be between 0 and 365 days after entering.",
        required=False,
        help_text="Days after the application enters; empty: no due day.",
    )
    priority = forms.ChoiceField(label="Priority", choices=Task.Priority.choices, initial=Task.Priority.NORMAL)

    def __init__(self, data=None, *, organization, action=None):
        super().__init__(data, organization=organization, action=action)
        roles = [(f"role:{value}", f"The {label.lower()}") for value, label in ROLE_CHOICES]
        members = [(f"member:{pk}", name) for pk, name in member_choices(organization)]
        self.fields["assignee"].choices = [
            ("", "Nobody in particular"),
            ("Role on the job's hiring team", roles),
            ("Member", members),
        ]

    def initial_from(self, action):
        initial = super().initial_from(action)
        if action.roles:
            initial["assignee"] = f"role:{action.roles[0]}"
        elif action.members:
            initial["assignee"] = f"member:{action.members[0]}"
        return initial

    def values(self):
        data = dict(self.cleaned_data)
        kind, _, value = data.pop("assignee").partition(":")
        data["roles"] = [value] if kind == "role" else []
        data["members"] = [int(value)] if kind == "member" else []
        return data


class MeetingActionForm(ActionForm):
    kind = Kind.MEETING

    title = forms.CharField(label="Title", max_length=TEXTS["title"])
    duration_minutes = _whole_number(
        "Length in minutes",
        low=5,
        high=480,
        message="A meeting lasts between 5 minutes and 8 hours (480 minutes).",
        initial=30,
    )
    roles = _roles_field()
    members = _people_field("Named members")
    location = forms.CharField(
        label="Place or link",
        max_length=TEXTS["location"],
        required=False,
        help_text="An address, “Phone” or a video link.",
    )
    slot_rule = forms.ChoiceField(
        label="When",
        choices=StageAction.SlotRule.choices,
        initial=StageAction.SlotRule.TO_SCHEDULE,
        widget=forms.RadioSelect,
    )


FORMS = {form.kind: form for form in (EmailActionForm, NotificationActionForm, TaskActionForm, MeetingActionForm)}


# --- A person's email text: the confirm dialog and the rejection form -------------------------------
# Only the shape is checked here; whether the text renders for each recipient is checked by the views
# through pipeline.applications.emails (the same check the worker's send makes), before anything is decided.

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
