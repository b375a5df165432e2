"""One job with everything around it, in one transaction: the original's `POST jobs/complete/`.

Plain data in (the API's serializer has turned the original's camelCase body into our names):
the job's fields, its form's questions, its hiring team by email, its steps with their actions and
tasks, and where it is posted. Each part goes through the service the pages use for it, so every rule
holds here too; the first refusal rolls everything back. Errors are keyed by where in the body the
fault is ("team.members[1].email"), so a client can point at it.

Here, in setup, because without steps the job gets the organisation's default workflow exactly as a
job made on the page does (create_job), and with steps their actions are automation's.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership
from jobs import services as job_services
from jobs import stages as job_stages
from jobs.models import HiringTeamMember, JobSite
from mail.models import EmailTemplate

from ..applications import stages as application_stages
from ..automation import editing
from ..automation.models import StageAction
from . import services

Kind = StageAction.Kind
Role = HiringTeamMember.Role

# What an action needs that the original's body may not say: whom it concerns, how long a meeting is.
ACTION_DEFAULTS = {
    Kind.EMAIL: {"to_candidate": True},
    Kind.NOTIFICATION: {"roles": [Role.RECRUITER]},
    Kind.TASK: {"roles": [Role.RECRUITER]},
    Kind.MEETING: {"roles": [Role.INTERVIEWER], "duration_minutes": 60},
}


@transaction.atomic
def create_complete_job(*, organization, created_by, job, form=None, team=(), steps=None, sites=()):
    """The job, its form, team, workflow and sites; returns the job.

    - `job`: Job fields (plus an optional `status`), checked as on the job's edit page.
    - `form`: {"title", "fields": [{"key", "label", "field_type", "help_text", "placeholder", "options",
      "required", "is_active"}]}; a field whose key is a standard field's changes that field.
    - `team`: [{"email", "role"}], each an active member of the organisation.
    - `steps`: [{"name", "description", "is_active", "actions": [{"kind", StageAction fields...,
      "email_template": a template's key or name}]}] in their order; None gives the default workflow.
    - `sites`: [{"name", "url", "job_link", "is_live"}].
    """
    fields = dict(job)
    status = fields.pop("status", None)
    if steps is None:
        new_job = services.create_job(organization=organization, created_by=created_by, **fields)
    else:
        new_job = job_services.create_job(organization=organization, created_by=created_by, **fields)
        _add_steps(new_job, steps)
    if form is not None:
        _fill_form(new_job, form)
    _add_team(new_job, team, by=created_by)
    _add_sites(new_job, sites)
    job_services.change_status(job=new_job, status=status)
    return new_job


def _at(where, error):
    """`error` (a Django ValidationError) with its messages keyed under `where`."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                f"{where}.{name}" if name != "__all__" else where: messages
                for name, messages in error.message_dict.items()
            }
        )
    return ValidationError({where: error.messages})


def _fill_form(job, form):
    application_form = job.application_form
    if form.get("title"):
        application_form.title = form["title"]
        application_form.save(update_fields=["title", "updated_at"])
    standard = {field.key: field for field in application_form.fields.filter(is_standard=True)}
    for index, values in enumerate(form.get("fields", [])):
        values = dict(values)
        flags = {flag: values.pop(flag) for flag in ("required", "is_active") if flag in values}
        key = values.pop("key", "")
        try:
            field = standard.get(key)
            if field is None:
                field = job_services.add_question(form=application_form, **values)
            else:
                # A standard field keeps its type: the question only rewords it.
                for name in ("label", "help_text", "placeholder"):
                    setattr(field, name, values[name])
                field.save(update_fields=["label", "help_text", "placeholder"])
            for flag, value in flags.items():
                if getattr(field, flag) != value:
                    job_services.toggle_field(field=field, flag=flag)
        except ValidationError as error:
            raise _at(f"form.fields[{index}]", error) from error


def _members_by_email(job, emails, *, where="workflow.steps.tasks.assignee"):
    """{email: user} of the organisation's active members; any other address is refused by name."""
    emails = [email.strip().lower() for email in emails]
    users = {
        m.user.email: m.user
        for m in Membership.objects.filter(
            organization_id=job.organization_id, is_active=True, user__is_active=True, user__email__in=emails
        ).select_related("user")
    }
    unknown = list(dict.fromkeys(email for email in emails if email not in users))
    if unknown:
        raise ValidationError({where: [f"Not an active member of your organisation: {', '.join(unknown)}."]})
    return users


def _add_team(job, team, *, by):
    emails = [member["email"].strip().lower() for member in team]
    users = _members_by_email(job, emails, where="team.members")
    for email, member in zip(emails, team, strict=True):
        job_services.set_team_member(job=job, user=users[email], role=member["role"], by=by)


def _add_steps(job, steps):
    if not steps:
        raise ValidationError({"workflow.steps": ["A workflow needs at least one step."]})
    templates = list(EmailTemplate.objects.filter(organization_id=job.organization_id))
    members = _members_by_email(
        job, [a["assignee_email"] for step in steps for a in step.get("actions", []) if "assignee_email" in a]
    )
    stages = [
        job_stages.add_stage(name=step["name"], description=step.get("description", ""), job=job) for step in steps
    ]
    for index, (step, stage) in enumerate(zip(steps, stages, strict=True)):
        for number, action in enumerate(step.get("actions", [])):
            where = f"workflow.steps[{index}].actions[{number}]"
            try:
                editing.create_action(stage=stage, **_action_fields(action, templates, members))
            except ValidationError as error:
                raise _at(where, error) from error
    for index, (step, stage) in enumerate(zip(steps, stages, strict=True)):
        if not step.get("is_active", True):
            try:
                application_stages.toggle_stage(stage=stage)
            except ValidationError as error:
                raise _at(f"workflow.steps[{index}].is_active", error) from error


def _action_fields(action, templates, members):
    """An action's fields for editing.create_action: the kind's defaults, then what was sent."""
    kind = action["kind"]
    fields = {**ACTION_DEFAULTS[kind], **{k: v for k, v in action.items() if k != "email_template"}}
    if "assignee_email" in fields:
        # A task's assignee named by email: that member, not a role.
        fields["members"], fields["roles"] = [members[fields.pop("assignee_email").lower()].pk], []
    if kind == Kind.EMAIL:
        fields["email_template"] = _template(action.get("email_template", ""), templates)
    allowed = {"kind", *editing.FIELDS[kind]}
    return {name: value for name, value in fields.items() if name in allowed}


def _template(name, templates):
    """The organisation's template whose key or name is `name` (any case), else a refusal naming it.

    None when no name is given: editing's own rule then asks for one."""
    wanted = (name or "").strip().casefold()
    if not wanted:
        return None
    for attribute in ("key", "name"):
        for template in templates:
            if getattr(template, attribute).casefold() == wanted:
                return template
    raise ValidationError({"email_template": [f"No email template of your organisation is called “{name}”."]})


def _add_sites(job, sites):
    for index, values in enumerate(sites):
        site = JobSite(job=job, **values)
        try:
            site.full_clean()
        except ValidationError as error:
            raise _at(f"sites[{index}]", error) from error
        site.save()
