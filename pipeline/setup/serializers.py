"""The original's `POST jobs/complete/` body (nested, camelCase, a key with a space) read into our names.

Only the shape is read here: each part's rules are those of the services and forms it goes through
(pipeline.setup.complete). Unknown keys are ignored, as the original did; `society` (the organisation's
profile) is read and left alone: a job never edits its organisation.
"""

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from jobs.forms import STANDARD_FIELDS, FormFieldForm
from jobs.models import FormField, HiringTeamMember, Job
from jobs.serializers import (
    ChoiceByNameField,
    CountryByNameField,
    JobFormSerializer,
    JobSerializer,
    JobSiteSerializer,
    TeamMemberSerializer,
    form_checked,
    text_list,
)

from ..automation.serializers import WorkflowStepSerializer, action_kind
from ..tasks.models import Task

Type = FormField.Type
Priority = Task.Priority


def _normal(text):
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


# The original's field types (and ours), once case and punctuation are dropped.
FIELD_TYPES = {
    **{_normal(value): value for value in Type.values},
    "text": Type.SHORT_TEXT,
    "string": Type.SHORT_TEXT,
    "input": Type.SHORT_TEXT,
    "textarea": Type.LONG_TEXT,
    "paragraph": Type.LONG_TEXT,
    "integer": Type.NUMBER,
    "datetime": Type.DATE,
    "link": Type.URL,
    "website": Type.URL,
    "tel": Type.PHONE,
    "select": Type.SINGLE_CHOICE,
    "dropdown": Type.SINGLE_CHOICE,
    "radio": Type.SINGLE_CHOICE,
    "choice": Type.SINGLE_CHOICE,
    "multiselect": Type.MULTIPLE_CHOICE,
    "checkboxes": Type.MULTIPLE_CHOICE,
    "checkbox": Type.YES_NO,
    "boolean": Type.YES_NO,
    "yesno": Type.YES_NO,
    "upload": Type.FILE,
    "resume": Type.FILE,
    "cv": Type.FILE,
}
PRIORITIES = {**{value: value for value in Priority.values}, "medium": Priority.NORMAL, "critical": Priority.URGENT}
# actionDetails' keys (either spelling) -> a StageAction field.
DETAILS = {
    "tocandidate": "to_candidate",
    "roles": "roles",
    "members": "members",
    "delayminutes": "delay_minutes",
    "delay": "delay_minutes",
    "message": "body",
    "body": "body",
    "description": "body",
    "content": "body",
    "dueindays": "due_in_days",
    "priority": "priority",
    "durationminutes": "duration_minutes",
    "duration": "duration_minutes",
    "location": "location",
    "slotrule": "slot_rule",
    "title": "title",
}
FLAT_NAMES = {  # our flat field -> the original's key in "job description", for errors
    "employment_type": "typeOfContract",
    "type_of_contract": "typeOfContract",
    "remote_type": "remoteStatus",
    "experience_level": "experienceLevel",
    "description": "postTextMarkdown",
    "deadline": "applicationDeadline",
    "salary_min": "salary.min",
    "salary_max": "salary.max",
    "salary_currency": "salary.currency",
    "salary_period": "salary.period",
}
STANDARD_KEYS = {_normal(key): key for key, *_ in STANDARD_FIELDS} | {
    _normal(label): key for key, label, *_ in STANDARD_FIELDS
}
MAX_INT = 2**31 - 1


class DayField(serializers.DateField):
    """A day, also read out of a date and time ("2025-03-01T00:00:00Z"), as the original sent deadlines."""

    def to_internal_value(self, value):
        if isinstance(value, str) and "T" in value:
            try:
                moment = parse_datetime(value.strip())
            except ValueError:  # well formed, but no such day ("2020-13-01T00:00")
                moment = None
            if moment is None:
                self.fail("invalid", format="YYYY-MM-DD")
            return moment.date()
        return super().to_internal_value(value)


class SalarySerializer(serializers.Serializer):
    min = serializers.IntegerField(min_value=0, max_value=MAX_INT, allow_null=True, required=False)
    max = serializers.IntegerField(min_value=0, max_value=MAX_INT, allow_null=True, required=False)
    currency = serializers.CharField(max_length=3, required=False)
    period = ChoiceByNameField(Job.SalaryPeriod, required=False, help_text="year, month, week, day or hour.")


class JobDescriptionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    urgency = ChoiceByNameField(Job.Urgency, required=False)
    remoteStatus = ChoiceByNameField(Job.RemoteType, required=False)
    country = CountryByNameField(required=False)
    city = serializers.CharField(max_length=100, allow_blank=True, required=False)
    department = serializers.CharField(max_length=100, allow_blank=True, required=False)
    typeOfContract = ChoiceByNameField(Job.EmploymentType, required=False)
    experienceLevel = ChoiceByNameField(Job.ExperienceLevel, allow_blank=True, required=False)
    salary = SalarySerializer(required=False)
    postTextMarkdown = serializers.CharField(allow_blank=True, required=False)
    responsibilities = text_list(required=False)
    qualifications = text_list(required=False)
    benefits = text_list(required=False)
    applicationDeadline = DayField(allow_null=True, required=False)


class SettingsSerializer(serializers.Serializer):
    """What of the original's job settings our jobs have."""

    status = ChoiceByNameField(Job.Status, required=False)
    openings = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False)
    showSalary = serializers.BooleanField(required=False)


class TagSerializer(serializers.Serializer):
    tags = serializers.ListField(child=serializers.CharField(), required=False)


class DescriptionSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "society": serializers.DictField(
                required=False, help_text="The organisation's profile: accepted and ignored (see societies/)."
            ),
            "job description": JobDescriptionSerializer(),
            "settings": SettingsSerializer(required=False),
            "tag": TagSerializer(required=False, help_text="Accepted; our jobs have no tags."),
        }


class FormFieldInputSerializer(serializers.Serializer):
    fieldId = serializers.CharField(allow_blank=True, required=False)
    fieldType = serializers.CharField(required=False)
    fieldName = serializers.CharField(max_length=200)
    fieldDescription = serializers.CharField(max_length=300, allow_blank=True, required=False)
    fieldPlaceholder = serializers.CharField(max_length=200, allow_blank=True, required=False)
    fieldOptions = text_list(required=False)
    isRequired = serializers.BooleanField(required=False)
    isMultiple = serializers.BooleanField(required=False)
    isActive = serializers.BooleanField(required=False)

    def validate(self, attrs):
        field_type = FIELD_TYPES.get(_normal(attrs.get("fieldType", "text")))
        if field_type is None:
            raise serializers.ValidationError({"fieldType": [f"Unknown field type “{attrs['fieldType']}”."]})
        if field_type == Type.SINGLE_CHOICE and attrs.get("isMultiple"):
            field_type = Type.MULTIPLE_CHOICE
        values = {
            "label": attrs["fieldName"],
            "field_type": field_type,
            "help_text": attrs.get("fieldDescription", ""),
            "placeholder": attrs.get("fieldPlaceholder", ""),
            "options": attrs.get("fieldOptions", []),
            "required": attrs.get("isRequired", False),
        }
        cleaned = form_checked(FormFieldForm, instance=None, values=values)
        key = STANDARD_KEYS.get(_normal(attrs.get("fieldId", ""))) or STANDARD_KEYS.get(_normal(attrs["fieldName"]))
        return {
            **{name: cleaned[name] for name in ("label", "field_type", "help_text", "placeholder", "options")},
            "key": key or "",
            "required": attrs.get("isRequired", False),
            "is_active": attrs.get("isActive", True),
        }


class JobFormInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    formFields = FormFieldInputSerializer(many=True, required=False)


class MemberInputSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, required=False, help_text="Informative: members are found by email.")
    role = ChoiceByNameField(HiringTeamMember.Role, required=False)
    email = serializers.EmailField()


class TeamInputSerializer(serializers.Serializer):
    teamName = serializers.CharField(allow_blank=True, required=False, help_text="Informative: a job has one team.")
    members = MemberInputSerializer(many=True, required=False)


class ActionInputSerializer(serializers.Serializer):
    actionName = serializers.CharField(allow_blank=True, required=False)
    actionType = serializers.CharField()
    emailTemplate = serializers.CharField(allow_blank=True, allow_null=True, required=False)
    actionDetails = serializers.DictField(required=False)

    def validate_actionType(self, value):
        if action_kind(value) is None:
            raise serializers.ValidationError(
                f"Unknown action type “{value}”: use email, notification, task or meeting."
            )
        return value

    def validate(self, attrs):
        kind = action_kind(attrs["actionType"])
        action = {"kind": kind}
        if attrs.get("actionName"):
            action["title"] = attrs["actionName"]
        for name, value in attrs.get("actionDetails", {}).items():
            field = DETAILS.get(_normal(name))
            if field == "priority" and isinstance(value, str):
                value = PRIORITIES.get(value.strip().casefold(), value)
            if field == "roles" and isinstance(value, list):
                value = [_role(role) for role in value]
            if field is not None:
                action[field] = value
        action["email_template"] = attrs.get("emailTemplate") or ""
        return action


def _role(name):
    """Our role for a role's name ("Hiring Manager"), else the name as sent (editing refuses it)."""
    if not isinstance(name, str):
        return name
    wanted = _normal(name)
    return next(
        (value for value, label in HiringTeamMember.Role.choices if wanted in (_normal(value), _normal(label))), name
    )


class TaskInputSerializer(serializers.Serializer):
    taskName = serializers.CharField(max_length=200)
    taskDescription = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    assignee = serializers.CharField(
        allow_blank=True, required=False, help_text="A member's email or a hiring-team role ('Recruiter')."
    )
    dueDate = serializers.CharField(
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text="Accepted; a step's task is due dueInDays after entering.",
    )
    dueInDays = serializers.IntegerField(min_value=0, max_value=365, required=False)
    priority = serializers.CharField(required=False)

    def validate(self, attrs):
        task = {"kind": action_kind("task"), "title": attrs["taskName"], "body": attrs.get("taskDescription", "")}
        if "dueInDays" in attrs:
            task["due_in_days"] = attrs["dueInDays"]
        if attrs.get("priority"):
            task["priority"] = PRIORITIES.get(attrs["priority"].strip().casefold(), attrs["priority"])
        assignee = attrs.get("assignee", "").strip()
        if "@" in assignee:
            task["assignee_email"] = assignee
        elif assignee:
            task["roles"] = [_role(assignee)]
        return task


class StepInputSerializer(serializers.Serializer):
    stepId = serializers.CharField(allow_blank=True, required=False)
    stepName = serializers.CharField(max_length=100)
    stepDescription = serializers.CharField(max_length=300, allow_blank=True, required=False)
    order = serializers.IntegerField(min_value=-MAX_INT, max_value=MAX_INT, required=False)
    isActive = serializers.BooleanField(required=False)
    actions = ActionInputSerializer(many=True, required=False)
    tasks = TaskInputSerializer(many=True, required=False)


class WorkflowTemplateInputSerializer(serializers.Serializer):
    templateName = serializers.CharField(allow_blank=True, required=False, help_text="Informative.")
    steps = StepInputSerializer(many=True, required=False)


class WorkflowInputSerializer(serializers.Serializer):
    template = WorkflowTemplateInputSerializer()


class SiteInputSerializer(serializers.Serializer):
    siteName = serializers.CharField(max_length=100)
    siteUrl = serializers.CharField(allow_blank=True, required=False)
    jobLink = serializers.CharField(allow_blank=True, required=False)
    isLive = serializers.BooleanField(required=False)


class CompleteJobInnerSerializer(serializers.Serializer):
    description = DescriptionSerializer()
    JobForm = JobFormInputSerializer(required=False)
    Team = TeamInputSerializer(required=False)
    WorkFlow = WorkflowInputSerializer(required=False)
    sites = SiteInputSerializer(many=True, required=False)


class CompleteJobSerializer(serializers.Serializer):
    """The whole body; `validated_data` is create_complete_job's keyword arguments (but the organisation's)."""

    job = CompleteJobInnerSerializer()

    def validate(self, attrs):
        body = attrs["job"]
        return {
            "job": _job_fields(body["description"]),
            "form": _form(body.get("JobForm")),
            "team": [
                {"email": m["email"], "role": m.get("role", HiringTeamMember.Role.INTERVIEWER)}
                for m in body.get("Team", {}).get("members", [])
            ],
            "steps": _steps(body.get("WorkFlow")),
            "sites": [
                {
                    "name": site["siteName"],
                    "url": site.get("siteUrl", ""),
                    "job_link": site.get("jobLink", ""),
                    "is_live": site.get("isLive", False),
                }
                for site in body.get("sites", [])
            ],
        }


def _job_fields(description):
    """The job's fields, checked by the flat jobs/ serializer (and so by the job's edit form)."""
    given, settings = description["job description"], description.get("settings", {})
    salary = given.get("salary", {})
    flat = {
        "title": given["title"],
        "urgency": given.get("urgency"),
        "remote_type": given.get("remoteStatus"),
        "country": given.get("country"),
        "city": given.get("city"),
        "department": given.get("department"),
        "type_of_contract": given.get("typeOfContract"),
        "experience_level": given.get("experienceLevel"),
        "salary_min": salary.get("min"),
        "salary_max": salary.get("max"),
        "salary_currency": salary.get("currency"),
        "salary_period": salary.get("period"),
        "description": given.get("postTextMarkdown"),
        "responsibilities": given.get("responsibilities"),
        "qualifications": given.get("qualifications"),
        "benefits": given.get("benefits"),
        "deadline": given.get("applicationDeadline"),
        "status": settings.get("status"),
        "openings": settings.get("openings"),
        "show_salary": settings.get("showSalary"),
    }
    # Left out, or null: the job's default (no deadline, no salary, a medium urgency...).
    job = JobSerializer(data={name: value for name, value in flat.items() if value is not None})
    if not job.is_valid():
        raise serializers.ValidationError(
            {"job description": {FLAT_NAMES.get(name, name): errors for name, errors in job.errors.items()}}
        )
    status = job.validated_data["status"]
    return {**job.validated_data["fields"], **({"status": status} if status else {})}


def _form(form):
    if form is None:
        return None
    return {"title": form.get("title", ""), "fields": form.get("formFields", [])}


def _steps(workflow):
    if workflow is None or "steps" not in workflow["template"]:
        return None
    steps = workflow["template"]["steps"]
    # In their `order`; those without one keep their place after the numbered ones.
    ordered = sorted(
        enumerate(steps), key=lambda pair: (pair[1].get("order") is None, pair[1].get("order") or 0, pair[0])
    )
    return [
        {
            "name": step["stepName"],
            "description": step.get("stepDescription", ""),
            "is_active": step.get("isActive", True),
            "actions": [*step.get("actions", []), *step.get("tasks", [])],
        }
        for _, step in ordered
    ]


class CompleteWorkflowSerializer(serializers.Serializer):
    steps = WorkflowStepSerializer(many=True)


class CompleteJobResponseSerializer(serializers.Serializer):
    """The created job with everything around it."""

    id = serializers.IntegerField()
    job = JobSerializer()
    form = JobFormSerializer()
    team = TeamMemberSerializer(many=True)
    workflow = CompleteWorkflowSerializer()
    sites = JobSiteSerializer(many=True)
