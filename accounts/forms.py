import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.db import models

from . import permissions
from .models import Membership, Organization, User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    name = forms.CharField(max_length=150, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"}))

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    """What a person sets about themselves: their name and the zone they read dates in."""

    class Meta:
        model = User
        fields = ["name", "timezone"]
        labels = {"name": "Your name"}
        help_texts = {"timezone": "Dates and times are shown to you in this zone."}

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A plain Select over the model's CharField: an unknown name then gets the model's own
        # clear message ("… is not a time zone we know") rather than a generic invalid choice.
        fallback = organization.timezone if organization else "UTC"
        self.fields["timezone"].widget = forms.Select(
            choices=[("", f"Use the organisation's ({fallback.replace('_', ' ')})"), *timezone_choices()]
        )


class OnboardingForm(forms.Form):
    name = forms.CharField(
        max_length=150,
        label="Organisation name",
        help_text="The company you hire for. Candidates see this name on your careers page.",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "organization"}),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        initial="UTC",
        required=False,
        help_text="Deadlines, date filters and daily reports follow it. You can change it later.",
    )

    def clean_timezone(self):
        return self.cleaned_data["timezone"] or "UTC"


def https_by_default(field, **kwargs):
    # "acme.com" typed without a scheme means https (Django 6's default too).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        formfield_callback = https_by_default
        fields = [
            "name",
            "slug",
            "website",
            "logo",
            "description",
            "industry",
            "size",
            "brand_colour",
            "careers_intro",
            "privacy_policy_url",
            "data_retention_days",
            "timezone",
        ]
        widgets = {
            "timezone": forms.Select(choices=timezone_choices()),
            "brand_colour": forms.TextInput(attrs={"type": "color", "class": "form-control-color"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "careers_intro": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_slug(self):
        from .services import RESERVED_SLUGS

        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("This address is reserved. Choose another.")
        return slug

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > 2 * 1024 * 1024:
            raise forms.ValidationError("The logo must be 2 MB or smaller.")
        return logo

    def clean_data_retention_days(self):
        days = self.cleaned_data["data_retention_days"]
        if not 30 <= days <= 3650:
            raise forms.ValidationError("Choose between 30 and 3,650 days.")
        return days


def _role_choices(actor):
    return [(value, label) for value, label in Membership.Role.choices if permissions.can_assign_role(actor, value)]


class InviteForm(forms.Form):
    email = forms.EmailField(
        max_length=254,  # Invitation.email's column
        widget=forms.EmailInput(attrs={"placeholder": "name@company.com", "autocomplete": "off"}),
    )
    role = forms.ChoiceField()

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = _role_choices(actor)
        self.fields["role"].initial = Membership.Role.RECRUITER

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.actor.organization.memberships.filter(user__email=email, is_active=True).exists():
            raise forms.ValidationError("This person is already a member.")
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField()

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor)


class AcceptInvitationForm(forms.Form):
    """For an invited person without an account: name and password, nothing else."""

    name = forms.CharField(max_length=150, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords don't match.")
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.email, name=cleaned.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApiKeyForm(forms.Form):
    """A new API key: what it is for, the role it acts with, and whether it may write."""

    ACCESS_CHOICES = [("read_only", "Read-only: it can look, not change"), ("read_write", "Read and write")]

    name = forms.CharField(
        max_length=100,  # ApiKey.name's column
        help_text="What uses it, like “Nightly export” or “Zapier”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(help_text="The key sees and does what a member with this role may.")
    access = forms.ChoiceField(choices=ACCESS_CHOICES, initial="read_only", widget=forms.RadioSelect)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor)
        self.fields["role"].initial = Membership.Role.RECRUITER
