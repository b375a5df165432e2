"""The JSON shapes of jobs and what belongs to a job's definition (docs/api.md, "Recruiting").

Input is checked by the same forms as the pages (JobEditForm, FormFieldForm): a rule about a job's
fields is written once, there, and answers alike on both sides.
"""

import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .countries import country_code
from .forms import FormFieldForm, JobEditForm
from .models import FormField, HiringTeamMember, Job, JobForm, JobSite

# PostgreSQL's integer column: a bigger number would be refused by the database, not by us.
MAX_INT = 2**31 - 1


def _normal(text):
    """ "Full-time", "full_time", "FULL TIME" and "fulltime" all read the same."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class ChoiceByNameField(serializers.ChoiceField):
    """One of a TextChoices, written as its value or its label in any case ("full-time", "Full-time", "full_time").

    `answer_labels`: the answer is the label ("Full-time", as the original system answered), else the value.
    """

    def __init__(self, choices_class, *, answer_labels=False, **kwargs):
        self.choices_class = choices_class
        self.answer_labels = answer_labels
        labels = [(label, label) for label in choices_class.labels]
        super().__init__(choices=labels if answer_labels else choices_class.choices, **kwargs)

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        if isinstance(data, str):
            wanted = _normal(data)
            for value, label in self.choices_class.choices:
                if wanted in (_normal(value), _normal(label)):
                    return value
        self.fail("invalid_choice", input=data)

    def to_representation(self, value):
        if not value:
            return value
        return self.choices_class(value).label if self.answer_labels else value


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 100,
        "description": 'An ISO 3166-1 alpha-2 code ("FR"); written as a code or an English name ("France").',
        "example": "FR",
    }
)
class CountryByNameField(serializers.CharField):
    """A country written as its ISO code or its English name, in any case; read and answered as the alpha-2 code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text:
            return ""
        code = country_code(text)
        if not code:
            raise serializers.ValidationError(
                f"Unknown country “{text}”: use an ISO 3166-1 code (“FR”) or a country's English name (“France”)."
            )
        return code

    def to_representation(self, value):
        # The model's Country object, or "" for none.
        return str(value or "")


def form_checked(form_class, *, instance, values, renames=None):
    """`values` checked by the page's `form_class` over what `instance` already holds: the cleaned values.

    The form works on a copy, so a refused change leaves the instance as it was. Errors are keyed by the
    API's names (`renames` maps the form's name to the API's where they differ).
    """
    # A new object is checked over the model's defaults, as the page's empty form starts from them.
    current = copy.copy(instance) if instance is not None else form_class._meta.model()
    data = {}
    for name in form_class._meta.fields:
        value = values[name] if name in values else getattr(current, name, None)
        if isinstance(value, list):
            value = "\n".join(value)
        data[name] = "" if value is None else value
    form = form_class(data=data, instance=current)
    if not form.is_valid():
        renames = renames or {}
        raise serializers.ValidationError({renames.get(name, name): messages for name, messages in form.errors.items()})
    return form.cleaned_data


def text_list(**kwargs):
    return serializers.ListField(child=serializers.CharField(max_length=500, allow_blank=True), **kwargs)


class JobSerializer(serializers.ModelSerializer):
    """A job in the original's flat shape: `urgency` and `type_of_contract` answer the original's labels."""

    type_of_contract = ChoiceByNameField(
        Job.EmploymentType, answer_labels=True, source="employment_type", required=False
    )
    urgency = ChoiceByNameField(Job.Urgency, answer_labels=True, required=False)
    remote_type = ChoiceByNameField(Job.RemoteType, required=False)
    experience_level = ChoiceByNameField(Job.ExperienceLevel, required=False, allow_blank=True)
    status = ChoiceByNameField(Job.Status, required=False)
    country = CountryByNameField(required=False)
    country_name = serializers.CharField(source="country.name", read_only=True)
    salary_min = serializers.IntegerField(min_value=0, max_value=MAX_INT, allow_null=True, required=False)
    salary_max = serializers.IntegerField(min_value=0, max_value=MAX_INT, allow_null=True, required=False)
    salary_period = ChoiceByNameField(Job.SalaryPeriod, required=False)
    openings = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False)
    responsibilities = text_list(required=False)
    qualifications = text_list(required=False)
    benefits = text_list(required=False)
    location = serializers.CharField(read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "slug",
            "department",
            "city",
            "country",
            "country_name",
            "location",
            "remote_type",
            "type_of_contract",
            "experience_level",
            "urgency",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
            "show_salary",
            "description",
            "responsibilities",
            "qualifications",
            "benefits",
            "status",
            "openings",
            "deadline",
            "published_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "published_at", "created_at", "updated_at"]

    def validate(self, attrs):
        status = attrs.pop("status", None)
        cleaned = form_checked(
            JobEditForm, instance=self.instance, values=attrs, renames={"employment_type": "type_of_contract"}
        )
        # Only what was sent: a PATCH leaves the rest as it is.
        fields = {name: cleaned[name] for name in attrs}
        return {"fields": fields, "status": status}


class FormFieldSerializer(serializers.ModelSerializer):
    """A question of a job's application form; `job` names the job on creation and never changes."""

    job = serializers.IntegerField(source="form.job_id", min_value=1, max_value=2**63 - 1)
    field_type = ChoiceByNameField(FormField.Type, required=False)
    options = text_list(required=False)
    # Issue 16: the answers that knock an application out (options, or "yes"/"no"), checked by FormFieldForm.
    knockout_answers = text_list(required=False)

    class Meta:
        model = FormField
        fields = [
            "id",
            "job",
            "key",
            "label",
            "field_type",
            "help_text",
            "placeholder",
            "options",
            "required",
            "is_active",
            "is_standard",
            "order",
            "is_key_question",
            "knockout_answers",
        ]
        read_only_fields = ["key", "is_standard", "order"]

    def validate(self, attrs):
        job_id = attrs.pop("form", {}).get("job_id")
        flags = {name: attrs.pop(name) for name in ("required", "is_active") if name in attrs}
        if self.instance is not None and self.instance.is_standard:
            # The builder's form lets a standard field change its wording only.
            attrs.pop("field_type", None)
            attrs.pop("options", None)
        cleaned = form_checked(FormFieldForm, instance=self.instance, values=attrs)
        fields = {name: cleaned[name] for name in attrs if name in cleaned}
        if "options" in cleaned and (self.instance is None or "field_type" in attrs or "options" in attrs):
            fields["options"] = cleaned["options"]
        return {"job_id": job_id, "fields": fields, "flags": flags}

    def validate_job(self, value):
        if self.instance is not None and value != self.instance.form.job_id:
            raise serializers.ValidationError("A question stays on its job's form.")
        return value


class JobFormSerializer(serializers.ModelSerializer):
    job = serializers.IntegerField(source="job_id", read_only=True)
    fields = FormFieldSerializer(many=True, read_only=True)

    class Meta:
        model = JobForm
        fields = ["id", "job", "title", "knockout_auto_reject", "fields", "updated_at"]
        read_only_fields = ["updated_at"]


class JobSiteSerializer(serializers.ModelSerializer):
    job = serializers.IntegerField(source="job_id", min_value=1, max_value=2**63 - 1)

    class Meta:
        model = JobSite
        fields = ["id", "job", "name", "url", "job_link", "is_live", "created_at"]
        read_only_fields = ["created_at"]

    def validate_job(self, value):
        if self.instance is not None and value != self.instance.job_id:
            raise serializers.ValidationError("A site stays with its job.")
        return value


class TeamMemberSerializer(serializers.ModelSerializer):
    """Someone on a job's hiring team, named by user id or email (an active member of the organisation)."""

    job = serializers.IntegerField(source="job_id", min_value=1, max_value=2**63 - 1)
    team = serializers.IntegerField(source="job_id", read_only=True, help_text="The team's id: its job's.")
    user = serializers.IntegerField(source="user_id", min_value=1, max_value=2**63 - 1, required=False)
    email = serializers.EmailField(source="user.email", required=False)
    name = serializers.CharField(source="user.name", read_only=True)
    role = ChoiceByNameField(HiringTeamMember.Role, required=False)

    class Meta:
        model = HiringTeamMember
        fields = ["id", "job", "team", "user", "email", "name", "role", "added_at"]
        read_only_fields = ["added_at"]

    def validate(self, attrs):
        if self.instance is not None:
            if attrs.get("job_id", self.instance.job_id) != self.instance.job_id or ({"user_id", "user"} & set(attrs)):
                raise serializers.ValidationError({"user": ["Change the role here; add someone else as a new member."]})
        elif "user_id" not in attrs and "user" not in attrs:
            raise serializers.ValidationError({"user": ["Name the member by user id or email."]})
        return attrs


class TeamSerializer(serializers.ModelSerializer):
    """A job's hiring team (the original's Team): one per job, with the job's id."""

    job = serializers.IntegerField(source="id", read_only=True)
    team_name = serializers.SerializerMethodField()
    members = TeamMemberSerializer(source="team", many=True, read_only=True)

    class Meta:
        model = Job
        fields = ["id", "job", "team_name", "members"]

    def get_team_name(self, job) -> str:
        return f"{job.title} hiring team"
