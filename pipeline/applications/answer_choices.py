"""Choice and yes/no answers as AnswerChoice rows (what the board and the candidate list filter on), and
the knockouts among them.

An answer's chosen options are normalised as migration 0013 back-filled them: the option's text for a
single or multiple choice, "yes"/"no" for a yes/no question (applying stores it as a bool).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError

from jobs.models import FormField
from mail.models import EmailTemplate

from .choices import WrittenEmail
from .models import AnswerChoice, ApplicationFormAnswer

CHOICE_TYPES = (FormField.Type.SINGLE_CHOICE, FormField.Type.MULTIPLE_CHOICE, FormField.Type.YES_NO)
VALUE_MAX_LENGTH = AnswerChoice._meta.get_field("value").max_length

# The reason a knocked-out application is rejected with when its form rejects them automatically.
KNOCKOUT_REASON = "Knockout answer"
# The automatic rejection email waits as a person's would with "In 2 days" (pipeline.automation.forms
# DELAYS): the candidate does not get a "no" seconds after applying, and a recruiter who brings them
# back meanwhile cancels it.
KNOCKOUT_REJECTION_DELAY = timedelta(days=2)
# The organisation's rejection template (mail.defaults), the text the rejection form starts from.
REJECTION_TEMPLATE = "rejection"


def chosen(field, value):
    """The values an answer of `field` chose, as AnswerChoice stores them (none for other question types)."""
    if field.field_type not in CHOICE_TYPES:
        return []
    if field.field_type == FormField.Type.YES_NO:
        if isinstance(value, str) and value in ("yes", "no"):
            return [value]
        return ["yes" if value else "no"] if isinstance(value, bool) else []
    values = value if isinstance(value, list) else [value]
    return sorted({str(item)[:VALUE_MAX_LENGTH] for item in values if item not in (None, "")})


def rows(application, answers):
    """AnswerChoice rows (unsaved) for `answers`, [(FormField, value)] as clean_submission gives them."""
    return [
        AnswerChoice(application=application, field=field, value=value)
        for field, answer in answers
        for value in chosen(field, answer)
    ]


def resync(application_ids):
    """Write the AnswerChoice rows of these applications again from their stored answers: after answers
    were changed by hand (the Django admin), the filters then find what the answers say."""
    AnswerChoice.objects.filter(application_id__in=application_ids).delete()
    stored = ApplicationFormAnswer.objects.filter(application_id__in=application_ids, field__isnull=False)
    AnswerChoice.objects.bulk_create(
        [
            AnswerChoice(application_id=answer.application_id, field=answer.field, value=value)
            for answer in stored.select_related("field")
            for value in chosen(answer.field, answer.value)
        ],
        ignore_conflicts=True,  # two answers to one question (a merge) may choose the same option
    )


def knockouts(answers):
    """[(field, [values])] of `answers` that are among their question's knockout answers, in form order."""
    hits = []
    for field, answer in answers:
        if field.knockout_answers:
            wanted = set(field.knockout_answers)
            found = [value for value in chosen(field, answer) if value in wanted]
            if found:
                hits.append((field, found))
    return hits


def shown_choice(field, value):
    """How a chosen value reads: "Yes"/"No" for a yes/no question, the option's text otherwise."""
    if field.field_type == FormField.Type.YES_NO:
        return {"yes": "Yes", "no": "No"}.get(value, value)
    return value


def knockout_text(hits):
    """The timeline's words: which answer to which question knocked the application out."""
    said = "; ".join(
        f"{', '.join('“' + shown_choice(field, value) + '”' for value in values)} to “{field.label}”"
        for field, values in hits
    )
    return f"Knocked out by the answer {said}"[:400]  # the event's text holds 500


def rejection_email(application):
    """(WrittenEmail or None, why none) for a knocked-out application's automatic rejection.

    The rejection form's email as it opens (pipeline.automation.views.reject): the organisation's active
    rejection template, its text as written (variables filled in at sending), checked to render for
    this application as the form checks it. None when there is no such template, or it can't render.
    """
    template = EmailTemplate.objects.filter(
        organization_id=application.job.organization_id, key=REJECTION_TEMPLATE, is_active=True
    ).first()
    if template is None:
        return None, "the organisation has no active rejection email template"
    # Imported here: emails reaches the status link, which reaches services, which imports this module.
    from . import emails

    try:
        emails.preview_written(application=application, subject=template.subject, body=template.html_body)
    except ValidationError as error:
        return None, f"the rejection template can't be written: {' '.join(error.messages)}"
    return WrittenEmail(subject=template.subject, body=template.html_body, delay=KNOCKOUT_REJECTION_DELAY), ""
