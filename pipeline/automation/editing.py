"""Editing a stage's actions (the Stages page of a job or of a stage template): add, change, switch on
or off, reorder, delete.

Plain data in, keyword-only: the views pass a form's cleaned values, anything else could pass its own.
Every rule about what an action may hold is checked here, once, and refused with a ValidationError
whose dict names the field at fault (the form shows it beside that field).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import Membership
from accounts.params import MAX_ID
from jobs.models import HiringTeamMember, Stage
from mail import rendering
from mail.models import EmailTemplate

from ..tasks.models import Task
from .models import StageAction

Kind = StageAction.Kind

# What each kind holds; the other fields keep their defaults.
FIELDS = {
    Kind.EMAIL: ("email_template", "to_candidate", "roles", "members", "delay_minutes"),
    Kind.NOTIFICATION: ("roles", "members", "title", "body"),
    Kind.TASK: ("title", "body", "roles", "members", "due_in_days", "priority"),
    Kind.MEETING: ("title", "body", "roles", "members", "duration_minutes", "location", "slot_rule"),
}
# The inclusive bounds of the numbers, and what each one means to the person who types it.
MAX_DELAY_DAYS = 90
NUMBERS = {
    "delay_minutes": (0, MAX_DELAY_DAYS * 24 * 60, f"The delay must be between 0 and {MAX_DELAY_DAYS} days."),
    "due_in_days": (0, 365, "The due day must be between 0 and 365 days after entering."),
    "duration_minutes": (5, 8 * 60, "A meeting lasts between 5 minutes and 8 hours (480 minutes)."),
}
TEXTS = {"title": 200, "body": 5000, "location": 300}
# Texts the runner fills in with the application's values: a misspelt variable would print nothing.
WITH_VARIABLES = {"title": "The title", "body": "The description"}
NEEDS_TITLE = {
    Kind.NOTIFICATION: "Write the message the team receives.",
    Kind.TASK: "Give the task a title.",
    Kind.MEETING: "Give the meeting a title.",
}
NEEDS_PEOPLE = {
    Kind.EMAIL: "Choose who receives it: the candidate, a hiring-team role or a named member.",
    Kind.NOTIFICATION: "Choose whom to notify: a hiring-team role or a named member.",
}


def organization_id_of(stage):
    """The organisation a stage belongs to, through its job or its stage template."""
    return stage.job.organization_id if stage.job_id else stage.template.organization_id


@transaction.atomic
def create_action(*, stage, kind, **fields):
    """A new action of `kind`, last of the stage's actions."""
    if kind not in Kind.values:
        raise ValidationError("Choose what the action does: an email, a notification, a task or a meeting.")
    action = StageAction(stage=stage, kind=kind)
    _fill(action, fields)
    _lock_stage(stage.pk)
    last = StageAction.objects.filter(stage=stage).aggregate(last=Max("order"))["last"]
    action.order = 0 if last is None else last + 1
    action.save()
    return action


@transaction.atomic
def update_action(*, action, **fields):
    """Change what `action` does (its kind stays: another kind is another action)."""
    _fill(action, fields)
    action.save()
    return action


@transaction.atomic
def set_action_active(*, action, active):
    """Switch an action on or off. Off, it is kept as it is but no new application entering sets it off.

    The state to reach is given rather than flipped, so a form sent twice leaves it as asked."""
    action.is_active = bool(active)
    action.save(update_fields=["is_active"])
    return action


@transaction.atomic
def move_action(*, action, offset):
    """Move an action `offset` places up (negative) or down among its stage's actions; past either end it stays."""
    _lock_stage(action.stage_id)
    actions = list(StageAction.objects.filter(stage_id=action.stage_id).order_by("order", "pk"))
    ids = [each.pk for each in actions]
    here = ids.index(action.pk)
    there = min(max(here + offset, 0), len(actions) - 1)
    actions.insert(there, actions.pop(here))
    # Renumbered from 0: copied actions can share an order, and a swap of equal numbers moves nothing.
    for order, each in enumerate(actions):
        each.order = order
    StageAction.objects.bulk_update(actions, ["order"])
    action.order = there
    return action


@transaction.atomic
def delete_action(*, action):
    """Delete an action. Its past runs keep their label; a run still waiting finds it gone and does nothing."""
    action.delete()


def _lock_stage(stage_id):
    # A stage's actions are placed one change at a time: two at once would each number from what they read.
    list(Stage.objects.select_for_update().filter(pk=stage_id).values_list("pk", flat=True))


# --- The rules -----------------------------------------------------------------------------------


def _fill(action, fields):
    unknown = set(fields) - set(FIELDS[action.kind])
    if unknown:
        raise TypeError(f"A {action.kind} action has no {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(action, name, value)
    errors = {}
    for check in (_check_texts, _check_numbers, _check_choices, _check_people, _check_template, _check_complete):
        for name, message in check(action):
            errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)


def _check_texts(action):
    for name, limit in TEXTS.items():
        value = getattr(action, name)
        if not isinstance(value, str):
            yield name, "Write it as text."
            continue
        value = value.strip()
        setattr(action, name, value)
        if "\x00" in value:
            yield name, "Remove the null characters from this text."
        elif len(value) > limit:
            yield name, f"Keep it to {limit} characters or fewer (it has {len(value)})."
        elif name in WITH_VARIABLES and value:
            errors, _ = rendering.check(value, label=WITH_VARIABLES[name], strict=True)
            if errors:
                yield name, " ".join(errors)


def _check_numbers(action):
    for name, (low, high, message) in NUMBERS.items():
        value = getattr(action, name)
        if value is None and name != "delay_minutes":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            yield name, message


def _check_choices(action):
    if action.priority not in Task.Priority.values:
        yield "priority", "Choose a priority: low, normal, high or urgent."
    if action.slot_rule and action.slot_rule not in StageAction.SlotRule.values:
        yield "slot_rule", "Choose when the meeting is: the next working day at 10:00, or to schedule."
    if not isinstance(action.to_candidate, bool):
        yield "to_candidate", "Say whether the candidate receives it."
    roles = action.roles if isinstance(action.roles, list) else [None]
    if any(role not in HiringTeamMember.Role.values for role in roles):
        yield "roles", "Choose roles of the hiring team: hiring manager, recruiter, interviewer or coordinator."
    else:
        action.roles = list(dict.fromkeys(roles))


def _check_people(action):
    """Named members are user ids of the organisation's active members, and nobody else's."""
    members = action.members if isinstance(action.members, list) else [None]
    if any(isinstance(member, bool) or not isinstance(member, int) or not 0 < member <= MAX_ID for member in members):
        yield "members", "Choose members of your organisation."
        return
    members = list(dict.fromkeys(members))
    if not members:
        action.members = []
        return
    found = set(
        Membership.objects.filter(
            organization_id=organization_id_of(action.stage), user_id__in=members, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    if set(members) - found:
        yield "members", "Choose active members of your organisation: someone chosen is not one (any more)."
    else:
        action.members = members


INTERVIEW = "interview."


def _template_variables(template):
    sources = (template.subject, template.html_body, template.text_body)
    return set().union(*(rendering.variables_used(source) for source in sources))


def _check_template(action):
    template = action.email_template
    if action.kind != Kind.EMAIL:
        return
    if template is None:
        yield "email_template", "Choose the email template to send."
    elif not isinstance(template, EmailTemplate) or template.organization_id != organization_id_of(action.stage):
        yield "email_template", "Choose one of your organisation's email templates."
    elif not template.is_active:
        yield "email_template", f"The template “{template.name}” is switched off: switch it on, or choose another."
    elif any(name.startswith(INTERVIEW) for name in _template_variables(template)):
        # Filled once an interview is scheduled; entering a stage schedules none, so they would print nothing.
        yield (
            "email_template",
            (
                f"“{template.name}” gives the interview's date, time or place, which a stage's email doesn't know: "
                "choose another template (a meeting action arranges the interview)."
            ),
        )


def _check_complete(action):
    if action.kind in NEEDS_TITLE and not action.title:
        yield "title", NEEDS_TITLE[action.kind]
    people = action.roles or action.members or (action.kind == Kind.EMAIL and action.to_candidate)
    if action.kind in NEEDS_PEOPLE and not people:
        yield "recipients", NEEDS_PEOPLE[action.kind]
    if action.kind == Kind.MEETING and not action.slot_rule:
        action.slot_rule = StageAction.SlotRule.TO_SCHEDULE
    if action.kind == Kind.MEETING and action.duration_minutes is None:
        yield "duration_minutes", "Say how long the meeting lasts."
