"""The actions of the default stages (the original's), and copying actions wherever stages are copied."""

from django.db import transaction

from jobs.models import HiringTeamMember
from mail.models import EmailTemplate

from ..tasks.models import Task
from .models import StageAction

Kind, Role, Slot = StageAction.Kind, HiringTeamMember.Role, StageAction.SlotRule
ALL_ROLES = [role.value for role in Role]

# Stage name -> its actions, as StageAction fields; "template" is an email template's key.
DEFAULT_ACTIONS = {
    "Application Received": [
        {"kind": Kind.EMAIL, "to_candidate": True, "template": "acknowledgement"},
    ],
    "Initial Screening": [
        {"kind": Kind.TASK, "title": "Screen the resume and answers", "roles": [Role.RECRUITER], "due_in_days": 2,
         "body": "Read {{ candidate.first_name }}'s resume and answers; move them on or reject with a reason."},
    ],
    "Phone Screen": [
        {"kind": Kind.MEETING, "title": "Phone screen", "roles": [Role.RECRUITER], "duration_minutes": 30,
         "location": "Phone", "slot_rule": Slot.TO_SCHEDULE},
    ],
    "Technical Interview": [
        {"kind": Kind.TASK, "title": "Send the technical assessment", "roles": [Role.RECRUITER], "due_in_days": 1},
        {"kind": Kind.MEETING, "title": "Technical interview", "roles": [Role.INTERVIEWER], "duration_minutes": 60,
         "location": "Video call", "slot_rule": Slot.TO_SCHEDULE},
    ],
    "Final Interview": [
        {"kind": Kind.MEETING, "title": "Final interview", "roles": [Role.HIRING_MANAGER, Role.INTERVIEWER],
         "duration_minutes": 60, "location": "Office", "slot_rule": Slot.NEXT_WORKING_DAY},
    ],
    "Reference Check": [
        {"kind": Kind.TASK, "title": "Call the first reference", "roles": [Role.RECRUITER], "due_in_days": 3},
        {"kind": Kind.TASK, "title": "Call the second reference", "roles": [Role.RECRUITER], "due_in_days": 3},
    ],
    "Offer Made": [
        {"kind": Kind.EMAIL, "to_candidate": True, "template": "offer"},
    ],
    "Hired": [
        {"kind": Kind.EMAIL, "to_candidate": True, "template": "welcome"},
        {"kind": Kind.NOTIFICATION, "roles": ALL_ROLES,
         "title": "{{ candidate.full_name }} was hired as {{ job.title }}"},
    ],
}  # fmt: skip
COPIED_FIELDS = [
    field.attname for field in StageAction._meta.concrete_fields if field.name not in ("id", "stage", "created_at")
]


def add_default_actions(stages, organization):
    """The default actions of each of `stages` that bears a default stage's name and has none yet."""
    stages = [stage for stage in stages if stage.name in DEFAULT_ACTIONS]
    if not stages:
        return []
    with_actions = set(StageAction.objects.filter(stage__in=stages).values_list("stage_id", flat=True))
    templates = {t.key: t for t in EmailTemplate.objects.filter(organization=organization)}
    actions = []
    for stage in stages:
        if stage.pk in with_actions:
            continue
        for order, spec in enumerate(DEFAULT_ACTIONS[stage.name]):
            fields = dict(spec)
            fields["email_template"] = templates.get(fields.pop("template", None))
            fields.setdefault("priority", Task.Priority.NORMAL)
            actions.append(StageAction(stage=stage, order=order, **fields))
    return StageAction.objects.bulk_create(actions)


@transaction.atomic
def copy_actions(source_stages, new_stages):
    """Copy the actions of each of `source_stages` to the stage at the same place in `new_stages`."""
    target = {source.pk: new for source, new in zip(source_stages, new_stages, strict=True)}
    copies = [
        StageAction(stage=target[action.stage_id], **{name: getattr(action, name) for name in COPIED_FIELDS})
        for action in StageAction.objects.filter(stage_id__in=target)
    ]
    return StageAction.objects.bulk_create(copies)
