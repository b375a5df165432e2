"""A job's scorecard attributes: what each interviewer rates a candidate on, beside a recommendation and notes.

Part of the job's definition, like its form and stages: a new job starts with DEFAULT_ATTRIBUTES, a
duplicate copies its source's. pipeline's scorecards read `job.scorecard_attributes.all()` (in order).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.ordering import swap_with_neighbour

from .models import ScorecardAttribute

# (name, what to look for): fits any role; recruiters reword them per job.
DEFAULT_ATTRIBUTES = [
    ("Role-specific skills", "The knowledge and skills the role needs day to day, shown in examples."),
    ("Problem solving", "How they break a problem down, reason about it and weigh the trade-offs."),
    ("Communication", "Clear, structured answers; they listen and ask good questions."),
    ("Collaboration", "How they work with others, share credit, and give and take feedback."),
    ("Motivation for the role", "Why this role and this team, and what they want to learn here."),
]
COPIED_FIELDS = ("name", "description", "order")

NAME_MAX_LENGTH = ScorecardAttribute._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = ScorecardAttribute._meta.get_field("description").max_length
NAME_REQUIRED = "Give the attribute a name, like “Communication”."
NAME_TOO_LONG = f"Keep the name to {NAME_MAX_LENGTH} characters or fewer."
DESCRIPTION_TOO_LONG = f"Keep “what to look for” to {DESCRIPTION_MAX_LENGTH} characters or fewer."


def add_default_attributes(job):
    """The attributes every new job starts with."""
    return ScorecardAttribute.objects.bulk_create(
        ScorecardAttribute(job=job, name=name, description=description, order=index)
        for index, (name, description) in enumerate(DEFAULT_ATTRIBUTES)
    )


def copy_attributes(*, source, job):
    """`job` gets the attributes of the job `source`, in their order (a duplicate keeps what was edited)."""
    return ScorecardAttribute.objects.bulk_create(
        ScorecardAttribute(job=job, **{name: getattr(each, name) for name in COPIED_FIELDS})
        for each in source.scorecard_attributes.all()
    )


def _duplicate_name(name):
    return ValidationError({"name": f"This job already has an attribute called “{name}”."}, code="duplicate")


def _checked(job, name, description, *, attribute=None):
    """(name, description) stripped, or a ValidationError keyed by field that says what to change.

    Names are compared case-insensitively in Python: SQLite's lower() folds ASCII only, so the
    database's unique index is the backstop for a race, not the rule a recruiter meets.
    """
    name, description = (name or "").strip(), (description or "").strip()
    if not name:
        raise ValidationError({"name": NAME_REQUIRED}, code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": NAME_TOO_LONG}, code="max_length")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"description": DESCRIPTION_TOO_LONG}, code="max_length")
    others = job.scorecard_attributes.all()
    if attribute is not None:
        others = others.exclude(pk=attribute.pk)
    taken = next((other.name for other in others if other.name.casefold() == name.casefold()), None)
    if taken is not None:
        raise _duplicate_name(taken)
    return name, description


def _save(attribute, **kwargs):
    try:
        with transaction.atomic():
            attribute.save(**kwargs)
    except IntegrityError:  # the same name, added at the same moment by someone else
        raise _duplicate_name(attribute.name) from None
    return attribute


def add_attribute(*, job, name, description=""):
    """A new attribute at the end of the job's list."""
    name, description = _checked(job, name, description)
    top = job.scorecard_attributes.aggregate(top=Max("order"))["top"]
    order = 0 if top is None else top + 1
    return _save(ScorecardAttribute(job=job, name=name, description=description, order=order))


def edit_attribute(*, attribute, name, description=""):
    attribute.name, attribute.description = _checked(attribute.job, name, description, attribute=attribute)
    return _save(attribute, update_fields=["name", "description"])


@transaction.atomic
def move_attribute(*, attribute, offset):
    """Swap the attribute with its neighbour above (offset -1) or below (+1); False at either end."""
    return swap_with_neighbour(attribute.job.scorecard_attributes.select_for_update(), attribute, offset)


def delete_attribute(*, attribute):
    attribute.delete()
