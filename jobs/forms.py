"""Forms for jobs, and the public application form built from a job's FormFields."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.html import escape, format_html
from django.utils.text import slugify

from accounts.params import FIRST_DAY, LAST_DAY

from .models import FormField, Job, ScorecardAttribute
from .scorecards import DESCRIPTION_TOO_LONG, NAME_REQUIRED, NAME_TOO_LONG
from .uploads import ATTACHMENT_KINDS, RESUME_KINDS, validate_upload

Type = FormField.Type

# key, label, type, required, active. Email is always required: it is how we know a person.
STANDARD_FIELDS = [
    ("first_name", "First name", Type.SHORT_TEXT, True, True),
    ("last_name", "Last name", Type.SHORT_TEXT, True, True),
    ("email", "Email", Type.EMAIL, True, True),
    ("phone", "Phone", Type.PHONE, False, True),
    ("resume", "Resume", Type.FILE, True, True),
    ("cover_letter", "Cover letter", Type.LONG_TEXT, False, True),
    ("linkedin_url", "LinkedIn profile", Type.URL, False, True),
]
STANDARD_KEYS = {key for key, *_ in STANDARD_FIELDS}
ALWAYS_REQUIRED = {"email"}
HONEYPOT = "website"
CONSENT = "consent"

# The Candidate columns the standard fields fill (pipeline owns the model; a test checks these match it).
# Custom answers are stored as JSON: their limits are the field type's own.
STANDARD_MAX_LENGTHS = {"first_name": 100, "last_name": 100, "email": 254, "linkedin_url": 200}
SHORT_TEXT_MAX_LENGTH = 300
LONG_TEXT_MAX_LENGTH = 10_000
URL_MAX_LENGTH = 2000  # what browsers and servers reliably handle

phone_validator = RegexValidator(r"^\+?[0-9 ()./-]{6,25}$", "Enter a phone number, like +44 20 7946 0958.")


def _list_field(text):
    return [line.strip(" -*•\t") for line in text.splitlines() if line.strip(" -*•\t")]


class ListTextarea(forms.Textarea):
    """A JSON list edited as one item per line."""

    def format_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return super().format_value(value)


class ListField(forms.CharField):
    widget = ListTextarea

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One per line.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return _list_field(super().to_python(value) or "")


class JobEditForm(forms.ModelForm):
    responsibilities = ListField()
    qualifications = ListField()
    benefits = ListField()
    salary_period = forms.TypedChoiceField(choices=Job.SalaryPeriod.choices, required=False, label="Period")

    class Meta:
        model = Job
        fields = [
            "title",
            "department",
            "city",
            "country",
            "remote_type",
            "employment_type",
            "experience_level",
            "urgency",
            "openings",
            "deadline",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
            "show_salary",
            "description",
            "responsibilities",
            "qualifications",
            "benefits",
        ]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 10}),
            "salary_currency": forms.TextInput(attrs={"maxlength": 3, "size": 4}),
        }
        # Issue 16 (careers): the columns refuse negatives; these say so in words (min="0" is on the inputs).
        error_messages = {
            "salary_min": {"min_value": "A salary can't be negative."},
            "salary_max": {"min_value": "A salary can't be negative."},
            "openings": {"min_value": "Openings can't be negative."},
        }

    def clean_deadline(self):
        # Pages compute the day after the deadline (when applications close): year 9999 would overflow.
        deadline = self.cleaned_data["deadline"]
        if deadline and not FIRST_DAY <= deadline <= LAST_DAY:
            raise forms.ValidationError(f"Choose a date between {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")
        return deadline

    def clean_salary_currency(self):
        currency = self.cleaned_data["salary_currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError("Use a three-letter currency code, like EUR or USD.")
        return currency

    # Issue 16 (careers): forms and API clients written before the period existed
    # send none; their salaries were yearly.
    def clean_salary_period(self):
        return self.cleaned_data["salary_period"] or Job.SalaryPeriod.YEAR


# --- Key questions and knockout answers (issue 16) ----------------------------------------------------
# The board's cards show the answers to at most MAX_KEY_QUESTIONS questions a recruiter pins; an answer
# among a question's knockout answers flags the application (and may reject it: JobForm.knockout_auto_reject).
MAX_KEY_QUESTIONS = 3
# A file or a long text says nothing in a card's line.
KEY_QUESTION_TYPES = (
    Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE, Type.YES_NO, Type.NUMBER, Type.DATE, Type.SHORT_TEXT,
)  # fmt: skip
KNOCKOUT_TYPES = (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE, Type.YES_NO)
YES_NO_ANSWERS = [("yes", "Yes"), ("no", "No")]


def key_question_error(job_form, field_pk=None):
    """Why `job_form` can't pin one more key question (it has MAX_KEY_QUESTIONS besides `field_pk`), or ""."""
    if job_form is None:
        return ""
    pinned = list(job_form.fields.filter(is_key_question=True).exclude(pk=field_pk).values_list("label", flat=True))
    if len(pinned) < MAX_KEY_QUESTIONS:
        return ""
    named = ", ".join(f"“{label}”" for label in pinned)
    return f"Cards show at most {MAX_KEY_QUESTIONS} key questions: untick one of {named} first."


class AnswerListField(forms.MultipleChoiceField):
    """Knockout answers: ticked boxes (the builder), or one per line (the API, through form_checked).

    Which answers a question has can change in the same post (its options), so FormFieldForm.clean
    checks them, not this field.
    """

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if isinstance(value, str):
            value = value.splitlines()
        return list(dict.fromkeys(str(item).strip() for item in value or () if str(item).strip()))

    def validate(self, value):
        pass


OPTION_MAX_LENGTH = 200


class FormFieldForm(forms.ModelForm):
    """Add or edit one question in the form builder."""

    options = ListField(help_text="For choice questions: one option per line.", widget=ListTextarea(attrs={"rows": 3}))
    is_key_question = forms.BooleanField(
        label="Key question (show on board cards)",
        required=False,
        help_text=f"The answer shows on each card of the board; at most {MAX_KEY_QUESTIONS} per form.",
    )
    knockout_answers = AnswerListField(
        label="Knockout answers",
        required=False,
        help_text="An application that gives one of these answers is flagged on the board.",
    )

    class Meta:
        model = FormField
        fields = [
            "label", "field_type", "help_text", "placeholder", "options", "required", "is_key_question",
            "knockout_answers",
        ]  # fmt: skip

    def __init__(self, *args, job_form=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.job_form = job_form or (self.instance.form if self.instance.form_id else None)
        if self.instance.is_standard:
            # Standard fields keep their type; only wording and "required" change.
            del self.fields["field_type"]
            del self.fields["options"]
            # Their answers fill the candidate's profile: nothing to pin or knock out.
            del self.fields["is_key_question"]
            del self.fields["knockout_answers"]
            if self.instance.key in ALWAYS_REQUIRED:
                del self.fields["required"]
        else:
            self._offer_knockouts()

    def _offer_knockouts(self):
        """The knockout boxes: the question's options (as posted, when they change with it), or Yes and No."""
        field_type, options = self.instance.field_type, self.instance.options or []
        if self.is_bound:
            field_type = self.data.get(self.add_prefix("field_type")) or field_type
            posted = self.data.get(self.add_prefix("options"))
            options = _list_field(posted) if isinstance(posted, str) else options
        choices = YES_NO_ANSWERS if field_type == Type.YES_NO else [(o, o) for o in options]
        knockouts = self.fields["knockout_answers"]
        knockouts.choices = choices if field_type in KNOCKOUT_TYPES else []
        if not knockouts.choices:
            # Nothing to tick for this type (yet): no empty group of boxes on the page.
            knockouts.widget = forms.MultipleHiddenInput()

    def clean(self):
        cleaned = super().clean()
        field_type = cleaned.get("field_type", self.instance.field_type)
        if field_type in FormField.CHOICE_TYPES:
            options = cleaned.get("options") or []
            if len(options) < 2:
                self.add_error("options", "A choice question needs at least two options.")
            elif len(set(options)) != len(options):
                self.add_error("options", "Each option must be different.")
            elif any(len(option) > OPTION_MAX_LENGTH for option in options):
                # The chosen option is stored whole (pipeline's AnswerChoice.value) for the filters.
                self.add_error("options", f"Keep each option to {OPTION_MAX_LENGTH} characters or fewer.")
        elif "options" in cleaned:
            cleaned["options"] = []
        if "knockout_answers" in self.fields:
            self._clean_key_question_and_knockouts(cleaned, field_type)
        return cleaned

    def _clean_key_question_and_knockouts(self, cleaned, field_type):
        if cleaned.get("is_key_question"):
            if field_type not in KEY_QUESTION_TYPES:
                label = dict(Type.choices).get(field_type, field_type).lower()
                self.add_error("is_key_question", f"A {label} question can't be shown on cards.")
            elif not self.instance.is_key_question and (error := key_question_error(self.job_form, self.instance.pk)):
                self.add_error("is_key_question", error)
        knockouts = cleaned.get("knockout_answers") or []
        if field_type not in KNOCKOUT_TYPES:
            # As options: a type without answers to choose keeps none. On the instance too: a ModelForm
            # leaves a field the post left out (no box to tick) at what it was.
            cleaned["knockout_answers"] = self.instance.knockout_answers = []
            return
        if field_type == Type.YES_NO:
            allowed = [value for value, _ in YES_NO_ANSWERS]
            knockouts = [answer.lower() for answer in knockouts]
        else:
            allowed = cleaned.get("options", self.instance.options) or []
        unknown = [answer for answer in knockouts if answer not in allowed]
        if unknown:
            self.add_error("knockout_answers", f"“{unknown[0]}” is not one of this question's answers.")
        elif knockouts and field_type != Type.MULTIPLE_CHOICE and set(knockouts) >= set(allowed):
            self.add_error("knockout_answers", "Leave at least one answer that isn't a knockout: nobody could pass.")
        cleaned["knockout_answers"] = [answer for answer in allowed if answer in knockouts]  # in the options' order


class ScorecardAttributeForm(forms.ModelForm):
    """Add or edit one scorecard attribute; jobs.scorecards checks the name is new to the job."""

    class Meta:
        model = ScorecardAttribute
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"description": "Optional: a line that tells interviewers what a good answer shows."}
        error_messages = {
            "name": {"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
            "description": {"max_length": DESCRIPTION_TOO_LONG},
        }


def new_field_key(form, label):
    """A stable key for a new custom question, unique within the form."""
    base = slugify(label).replace("-", "_")[:50] or "question"
    if base in STANDARD_KEYS or base in (HONEYPOT, CONSENT):
        base = f"q_{base}"
    taken = set(form.fields.values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _max_length(field, default):
    return STANDARD_MAX_LENGTHS.get(field.key, default) if field.is_standard else default


def _django_field(field, organization):
    # crispy renders help text as HTML: a recruiter's text is escaped here.
    common = {"label": field.label, "required": field.required, "help_text": escape(field.help_text)}
    placeholder = {"placeholder": field.placeholder} if field.placeholder else {}
    t = field.field_type
    if t == Type.SHORT_TEXT:
        autocomplete = {"first_name": "given-name", "last_name": "family-name"}.get(field.key, "on")
        return forms.CharField(
            max_length=_max_length(field, SHORT_TEXT_MAX_LENGTH),
            widget=forms.TextInput(attrs={**placeholder, "autocomplete": autocomplete}),
            **common,
        )
    if t == Type.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={**placeholder, "rows": 5}),
            **common,
        )
    if t == Type.NUMBER:
        # Issue 16 (careers): the numbers asked of candidates are counts and amounts (years of experience,
        # notice days, expected salary), never below zero; min_value also puts min="0" on the input.
        return forms.FloatField(
            min_value=0,
            error_messages={"min_value": "Enter 0 or more."},
            widget=forms.NumberInput(attrs={**placeholder, "step": "any"}),
            **common,
        )
    if t == Type.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if t == Type.EMAIL:
        return forms.EmailField(
            max_length=_max_length(field, 254),  # 254: the longest address SMTP allows
            widget=forms.EmailInput(attrs={**placeholder, "autocomplete": "email"}),
            **common,
        )
    if t == Type.URL:
        return forms.URLField(
            assume_scheme="https",
            max_length=_max_length(field, URL_MAX_LENGTH),
            widget=forms.URLInput(attrs={**placeholder}),
            **common,
        )
    if t == Type.PHONE:
        return forms.CharField(
            max_length=25,
            validators=[phone_validator],
            widget=forms.TextInput(attrs={**placeholder, "type": "tel", "autocomplete": "tel"}),
            **common,
        )
    if t == Type.SINGLE_CHOICE:
        return forms.ChoiceField(choices=[(o, o) for o in field.options], widget=forms.RadioSelect, **common)
    if t == Type.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(o, o) for o in field.options], widget=forms.CheckboxSelectMultiple, **common
        )
    if t == Type.YES_NO:
        return forms.TypedChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            **common,
        )
    if t == Type.FILE:
        kinds = RESUME_KINDS if field.key == "resume" else ATTACHMENT_KINDS
        accept = ",".join(sorted({ext for exts in kinds.values() for ext in exts}))
        extra_help = "PDF, DOC, DOCX, ODT, RTF or TXT, up to 10 MB." if field.key == "resume" else "Up to 10 MB."
        common["help_text"] = f"{escape(field.help_text)} {extra_help}".strip()
        return forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": accept}), **common)
    raise ValueError(f"Unknown field type {t!r}")


class ApplicationForm(forms.Form):
    """Built per job by application_form_for(); the same form renders the builder's preview."""

    def __init__(self, *args, job, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        self.form_fields = {}
        for field in fields:
            name = field.key if field.is_standard else f"q_{field.key}"
            self.fields[name] = _django_field(field, job.organization)
            self.form_fields[name] = field
        organization = job.organization
        if organization.privacy_policy_url:
            consent_label = format_html(
                'I agree that {} keeps my data to consider my application, as its <a href="{}" target="_blank" '
                'rel="noopener">privacy policy</a> describes.',
                organization.name,
                organization.privacy_policy_url,
            )
        else:
            consent_label = f"I agree that {organization.name} keeps my data to consider my application."
        self.fields[CONSENT] = forms.BooleanField(
            label=consent_label,
            error_messages={"required": "Please agree so we can consider your application."},
        )
        # Real people never see this field; bots fill in every input they find.
        self.fields[HONEYPOT] = forms.CharField(
            required=False,
            label="Leave this empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        cleaned = super().clean()
        for name, field in self.form_fields.items():
            try:
                check_upload(field, cleaned.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def field_name(self, key):
        """The form's name for the FormField `key` (custom questions are prefixed)."""
        return next((name for name, field in self.form_fields.items() if field.key == key), None)

    @property
    def is_bot(self):
        return bool(self.data.get(HONEYPOT))

    def submitted_data(self):
        """The submission as plain data, keyed by field key, for pipeline's submit_application."""
        values, answers, files = {}, {}, {}
        for name, field in self.form_fields.items():
            if field.field_type == Type.FILE:
                if name in self.files:
                    files[field.key] = self.files[name]
            elif field.field_type == Type.MULTIPLE_CHOICE:
                (values if field.is_standard else answers)[field.key] = self.data.getlist(name)
            else:
                (values if field.is_standard else answers)[field.key] = self.data.get(name)
        return values, answers, files


def check_upload(field, upload):
    """An uploaded file is what it claims to be (checked by content), for a file question."""
    if field.field_type == Type.FILE and upload:
        kinds = RESUME_KINDS if field.key == "resume" else ATTACHMENT_KINDS
        validate_upload(upload, kinds, what="resume" if field.key == "resume" else "file")


def clean_submission(job, *, values, answers, files, optional=()):
    """Check a submission against the job's active form fields, with the same rules as the HTML form.

    `values` holds the standard fields, `answers` the custom questions, `files` the
    uploads, each keyed by field key; keys in `optional` are not required (a resume
    kept from an earlier try). Returns (standard values, [(FormField, value)] of the
    custom questions); raises ValidationError with messages keyed by field key.
    """
    errors, standard, custom = {}, {}, []
    for field in job.application_form.fields.filter(is_active=True):
        django_field = _django_field(field, job.organization)
        if field.key in optional:
            django_field.required = False
        if field.field_type == Type.FILE:
            raw = files.get(field.key)
        else:
            raw = (values if field.is_standard else answers).get(field.key)
            if field.field_type == Type.YES_NO and isinstance(raw, bool):
                raw = "yes" if raw else "no"
        try:
            value = django_field.clean(raw)
            check_upload(field, value)
        except forms.ValidationError as error:
            errors[field.key] = error.messages
            continue
        if field.is_standard:
            standard[field.key] = value
        else:
            custom.append((field, value))
    if errors:
        raise forms.ValidationError(errors)
    return standard, custom


def application_form_for(job, data=None, files=None):
    fields = list(job.application_form.fields.filter(is_active=True))
    return ApplicationForm(data, files, job=job, fields=fields)
