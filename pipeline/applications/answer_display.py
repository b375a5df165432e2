"""An application's answers as the team reads them: each value by its question's type, and whether
it is one the job marks as a knockout. Used by the candidate page and the job's List view.

What applying stored (pipeline.applications.services._store_answers): a number as a float (5.0),
a date as its ISO text, yes/no as a bool, a multiple choice as a list, a file beside the value.
"""

from datetime import date

from django.db.models import Prefetch

from jobs.models import FormField

from .models import ApplicationFormAnswer

Type = FormField.Type

# Each application's answers with their question (its type and knockouts): one query for a page.
_ANSWER_FIELDS = ("application_id", "key", "label", "value", "file", "file_name", "order")
ANSWERS = Prefetch(
    "answers",
    queryset=ApplicationFormAnswer.objects.select_related("field").only(
        *_ANSWER_FIELDS, "field__field_type", "field__knockout_answers"
    ),
)


def present(answers):
    """Set on each answer `kind` (file, date, number, yes_no, list, url, long_text or text), `shown`
    (what to print: text, or a date for the template's date filter) and `knocks_out`. Returns them."""
    answers = list(answers)
    for answer in answers:
        field_type = answer.field.field_type if answer.field else ""
        answer.kind, answer.shown = _shown(answer, field_type)
        answer.knocks_out = bool(answer.field and _knocks_out(answer.value, answer.field.knockout_answers))
    return answers


def _shown(answer, field_type):
    value = answer.value
    if answer.file:
        return "file", answer.file_name or "Download"
    if value is None or value == "" or value == []:
        return "text", ""
    if isinstance(value, bool):
        return "yes_no", "Yes" if value else "No"
    if field_type == Type.YES_NO and str(value).lower() in ("yes", "no"):
        return "yes_no", str(value).capitalize()
    if isinstance(value, list):
        return "list", ", ".join(str(item) for item in value)
    if isinstance(value, int | float):
        return "number", _number(value)
    if field_type == Type.DATE:
        try:
            return "date", date.fromisoformat(str(value))
        except ValueError:
            return "text", str(value)  # written by hand (the API, an import): shown as it is
    if field_type == Type.URL and str(value).startswith(("https://", "http://")):
        return "url", str(value)
    return ("long_text" if field_type == Type.LONG_TEXT else "text"), str(value)


def _number(value):
    """5.0 as "5" (the form cleans numbers as floats), 2.5 as "2.5"; never an exponent."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:f}".rstrip("0").rstrip(".")


def _knocks_out(value, knockouts):
    """Whether the answer is one of the field's knockout answers (options, or "yes"/"no")."""
    if not knockouts:
        return False
    if isinstance(value, bool):
        value = "yes" if value else "no"
    values = value if isinstance(value, list) else [value]
    wanted = {str(item).casefold() for item in knockouts}
    return any(str(item).casefold() in wanted for item in values if item is not None)
