from django import forms
from django.urls import reverse

from accounts.forms import https_by_default
from jobs.forms import ListField
from jobs.uploads import RESUME_KINDS, validate_upload

from ..applications.access import applications_visible_to
from .models import Candidate, Note, normalise_email


class CandidateForm(forms.ModelForm):
    """A recruiter's edit of a candidate's profile."""

    skills = ListField(help_text="One per line.")
    education = ListField(help_text="One per line, e.g. “MSc Computer Science, TU Berlin, 2018”.")
    work_experience = ListField(help_text="One per line, e.g. “2019–2024 Engineer, Acme”.")
    certifications = ListField()
    languages = ListField()

    class Meta:
        model = Candidate
        formfield_callback = https_by_default
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "address",
            "city",
            "country",
            "linkedin_url",
            "portfolio_url",
            "experience_years",
            "skills",
            "education",
            "work_experience",
            "certifications",
            "languages",
        ]

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def validate_unique(self):
        # Unique per organisation by email: the view's service (update_candidate) checks that.
        pass


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a note. Mention a colleague with @name."}),
    )
    visibility = forms.ChoiceField(
        choices=Note.Visibility.choices,
        initial=Note.Visibility.TEAM,
        help_text="A private note mentions nobody: only you will read it.",
    )
    application = forms.ModelChoiceField(queryset=None, required=False, empty_label="About the person")

    def __init__(self, *args, candidate, membership, **kwargs):
        super().__init__(*args, **kwargs)
        # The @ autocomplete (static/js/mentions.js asks htmx for the members who may see this person).
        # A textbox with a list (aria-autocomplete): HTML allows no combobox role, nor aria-expanded, on a textarea.
        self.fields["body"].widget.attrs.update(
            {
                "data-mentions": "",
                "aria-autocomplete": "list",
                "aria-controls": "mention-list",
                "data-hx-get": reverse("pipeline:mention_suggestions", args=[candidate.pk]),
                "data-hx-trigger": "mentions:query",
                # The application the note is about, when chosen: only who sees it may be named.
                "data-hx-include": "#mention-q, #id_application",
                "data-hx-params": "q,application",
                "data-hx-target": "#mention-list",
                "data-hx-sync": "this:replace",
            }
        )
        # Only applications the author may see.
        applications = applications_visible_to(membership).filter(candidate=candidate)
        self.fields["application"].queryset = applications.select_related("job")
        self.fields["application"].label_from_instance = lambda application: f"For {application.job.title}"


class CandidateCreateForm(forms.ModelForm):
    """A person a recruiter sourced: the essentials, a resume, and optionally a job."""

    resume = forms.FileField(required=False, help_text="PDF, DOC, DOCX, ODT, RTF or TXT, up to 10 MB.")
    job = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No job yet", help_text="Adds them to its first stage."
    )

    class Meta:
        model = Candidate
        formfield_callback = https_by_default
        fields = ["first_name", "last_name", "email", "phone", "linkedin_url", "source"]

    def __init__(self, *args, jobs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = jobs.exclude(status="archived").order_by("title")
        self.fields["source"].initial = "sourced"

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_resume(self):
        resume = self.cleaned_data.get("resume")
        if resume:
            validate_upload(resume, RESUME_KINDS, what="resume")
        return resume

    def validate_unique(self):
        # Candidates are unique per organisation by email; the view's service checks that.
        pass
