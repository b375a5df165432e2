"""Reads of the board of one job: columns, counts and cards in a fixed number of queries, at any size."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Aggregate, Count, Exists, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.params import to_int, to_text
from jobs.models import FormField, Stage

from .access import INTERVIEW_SCHEDULED
from .answer_choices import CHOICE_TYPES, VALUE_MAX_LENGTH
from .models import AnswerChoice, Application, ApplicationFormAnswer, ApplicationTag, normalise_tag

CARDS_PER_COLUMN = 25
STATUS_FILTERS = {
    "": ("Active", [Application.Status.ACTIVE, Application.Status.ON_HOLD]),
    "rejected": ("Rejected or withdrawn", [Application.Status.REJECTED, Application.Status.WITHDRAWN]),
    "hired": ("Hired", [Application.Status.HIRED]),
    "all": ("All", list(Application.Status)),
}


def board_filters(params):
    """The filters as they stand in the URL (so a board can be bookmarked and shared)."""
    # Also read from htmx's current-URL header, which no middleware checks: to_text drops a NUL.
    return {
        "q": to_text(params.get("q"), limit=100),
        "tag": to_text(params.get("tag"), limit=40),
        "rating": rating if (rating := to_int(params.get("rating"), maximum=5)) else None,
        "source": to_text(params.get("source"), limit=100),
        "starred": params.get("starred") == "1",
        "status": params.get("status", "") if params.get("status", "") in STATUS_FILTERS else "",
        **answer_filters(params),
    }


# --- Filtering by answers (the board and the candidate list) ---------------------------------------
# Each of a choice or yes/no question's chosen options is an AnswerChoice row, indexed on
# (field, value, application): a filter is one EXISTS probe of that index per application, the same
# on SQLite and PostgreSQL.

# More than this many answer filters at once are dropped (each is one EXISTS).
MAX_ANSWER_FILTERS = 10


def answer_filters(params):
    """`answer`: repeatable, "<question id>:<option>" ("yes"/"no" for a yes/no question); `knockout`:
    "1" keeps knocked-out applications only, "0" the others. Unchecked against any job: see
    within_fields, which drops a question that isn't the job's."""
    getlist = getattr(params, "getlist", None)
    raw = getlist("answer") if getlist else [params.get("answer") or ""]
    answers = []
    for item in raw:
        question, colon, value = to_text(item, limit=VALUE_MAX_LENGTH + 21).partition(":")
        field_id = to_int(question)
        if colon and field_id and value:
            answers.append((field_id, value[:VALUE_MAX_LENGTH]))
    knockout = params.get("knockout")
    return {
        "answers": list(dict.fromkeys(answers))[:MAX_ANSWER_FILTERS],
        "knockout": {"1": True, "0": False}.get(knockout) if isinstance(knockout, str) else None,
    }


def within_fields(filters, fields):
    """`filters` with only the answer filters on `fields` (the job's choice and yes/no questions, as
    BoardFields or FormFields): another job's question, or one that is gone, is ignored, not matched."""
    ids = {f.pk for f in fields if f.field_type in CHOICE_TYPES}
    return {**filters, "answers": [(pk, value) for pk, value in filters.get("answers", ()) if pk in ids]}


def filter_by_answers(applications, *, answers=(), knockout=None):
    """`applications` that chose, for each question in `answers` ([(field id, value)]), one of the values
    given for it (several values of one question: any of them; several questions: all of them), and
    are knocked out (knockout True) or not (False). The field ids must be scoped by the caller
    (within_fields)."""
    wanted = {}
    for field_id, value in answers:
        wanted.setdefault(field_id, []).append(value)
    for field_id, values in wanted.items():
        chose = AnswerChoice.objects.filter(application=OuterRef("pk"), field_id=field_id, value__in=values)
        applications = applications.filter(Exists(chose))
    if knockout is not None:
        applications = applications.filter(knocked_out=knockout)
    return applications


@dataclass
class BoardField:
    """A question of the job's form the board pins to its cards (a key question) or filters by."""

    pk: int
    label: str
    field_type: str
    options: list
    is_key_question: bool
    order: int


@dataclass
class AnswerOption:
    value: str
    label: str
    selected: bool = False


@dataclass
class AnswerFilter:
    """One question's filter: `field` (pk, label) and its `options` ("<field.pk>:<option.value>" in the URL)."""

    field: object
    options: list


def _board_fields_query(job):
    """The job's active questions the board needs (choice and yes/no ones, and key questions) as one JSON
    array, a subquery: folded into the stages query, so the board's query count stays at step 8's floor."""
    fields = FormField.objects.filter(form__job_id=job.pk, is_active=True, is_standard=False).filter(
        Q(field_type__in=CHOICE_TYPES) | Q(is_key_question=True)
    )
    row = JSONObject(
        pk="pk", label="label", field_type="field_type", options="options", key="is_key_question", order="order"
    )
    return Subquery(fields.order_by().values("form_id").annotate(rows=_JSONRows(row)).values("rows")[:1])


class _JSONRows(Aggregate):
    """A JSON array of its rows (PostgreSQL's JSONB_AGG, SQLite's JSON_GROUP_ARRAY)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def board_fields(stages):
    """The BoardFields job_stages' query brought along with `stages` (any of them: they are the job's), in
    form order; none when there are no stages."""
    rows = getattr(stages[0], "board_fields", None) if stages else None
    fields = []
    for row in rows or ():
        options = row["options"]
        if isinstance(options, str):  # SQLite's JSON_OBJECT takes the column's JSON text for a string
            options = json.loads(options or "[]")
        fields.append(
            BoardField(
                pk=row["pk"],
                label=row["label"],
                field_type=row["field_type"],
                options=[str(option) for option in options or ()],
                is_key_question=bool(row["key"]),
                order=row["order"],
            )
        )
    return sorted(fields, key=lambda f: (f.order, f.pk))


def answer_filter_options(job, *, fields=None, selected=()):
    """The filters on the active choice and yes/no questions of `job` (a Job or its id): an AnswerFilter
    per question, its options marked `selected` where `selected` ([(field id, value)]) names them.
    `fields` (BoardFields) saves the query when the caller has them (the board: job_stages)."""
    if fields is None:
        fields = FormField.objects.filter(
            form__job_id=getattr(job, "pk", job), is_active=True, is_standard=False, field_type__in=CHOICE_TYPES
        ).only("pk", "label", "field_type", "options")
    chosen = set(selected)
    filters = []
    for question in fields:
        if question.field_type not in CHOICE_TYPES:
            continue
        if question.field_type == FormField.Type.YES_NO:
            options = [("yes", "Yes"), ("no", "No")]
        else:
            options = [(str(option), str(option)) for option in question.options or ()]
        if options:
            marked = [AnswerOption(value, label, (question.pk, value) in chosen) for value, label in options]
            filters.append(AnswerFilter(field=question, options=marked))
    return filters


def filtered_applications(job, filters, *, stage=None):
    """The job's applications the filters let through; only those in `stage` (one of the job's) if given."""
    # A stage belongs to one job, so the stage alone says it. Said together, PostgreSQL takes job and stage
    # for independent, expects a twentieth of a column's rows, and joins them all before keeping 25.
    scope = {"current_stage": stage} if stage is not None else {"job": job}
    applications = Application.objects.filter(**scope, status__in=STATUS_FILTERS[filters["status"]][1])
    if filters["status"] != "all":
        applications = applications.filter(is_archived=False)
    if filters["q"]:
        q = filters["q"]
        name_or_email = Q(candidate__first_name__icontains=q) | Q(candidate__last_name__icontains=q)
        applications = applications.filter(name_or_email | Q(candidate__email__icontains=q))
    if filters["tag"]:
        # Matched on the form normalised in Python, so `CAFÉ` finds `Café` on SQLite too.
        applications = applications.filter(tags__normalised=normalise_tag(filters["tag"]))
    if filters["rating"]:
        applications = applications.filter(rating__gte=filters["rating"])
    if filters["source"]:
        applications = applications.filter(source=filters["source"])
    if filters["starred"]:
        applications = applications.filter(is_starred=True)
    return filter_by_answers(applications, answers=filters.get("answers", ()), knockout=filters.get("knockout"))


def job_stages(job):
    """The job's active stages, in order; each carries `board_fields` (see board_fields)."""
    return list(Stage.objects.filter(job=job, is_active=True).annotate(board_fields=_board_fields_query(job)))


def _age(days, stale_after):
    if stale_after and days >= 3 * stale_after:
        return "hot"
    if stale_after and days >= stale_after:
        return "warm"
    return "fresh"


_ID = 987654321


def _url_format(name, *args):
    """`name`'s URL as a str.format template, {0} where `args` has None (the only argument by default).

    Reversed once per board, not once per card.
    """
    args = [_ID if arg is None else arg for arg in args or (None,)]
    return reverse(name, args=args).replace(str(_ID), "{0}")


@dataclass
class Card:
    """What a board card shows: one row of the card query (no model instance, no notes or resume text)."""

    pk: int
    candidate_id: int
    current_stage_id: int
    status: str
    position: int
    stage_entered_at: datetime
    source: str
    rating: int | None
    is_starred: bool
    first_name: str
    last_name: str
    # Gave an answer the job marks as a knockout.
    knocked_out: bool
    # What tells two people of the same name apart on the card: where they live, their email's domain,
    # else when they applied.
    applied_at: datetime
    city: str
    email: str
    # Worked out by _decorate.
    days_in_stage: int = 0
    stale_after: int | None = None
    age: str = "fresh"
    tag_names: list = field(default_factory=list)
    # Interview feedback the viewer may see: (strong yes, yes, no, strong no) counts, () for none.
    feedback: tuple = ()
    # The answers to the job's key questions (at most 3), in form order: [(question, answer as text)].
    key_answers: list = field(default_factory=list)
    candidate_url: str = ""
    move_url: str = ""
    star_url: str = ""
    html: str = ""  # set by cards.render_cards

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def email_domain(self):
        """ "gmail.com" of "ada@gmail.com"; nothing for an erased person's placeholder (erased-1@erased.invalid)."""
        domain = self.email.rpartition("@")[2]
        return "" if domain.endswith(".invalid") else domain

    @property
    def status_label(self):
        return Application.Status(self.status).label

    @property
    def feedback_yes(self):
        return sum(self.feedback[:2])

    @property
    def feedback_no(self):
        return sum(self.feedback[2:])

    @property
    def feedback_label(self):
        """ "Feedback: 2 strong yes, 1 yes, 1 no" (what the card's "3 yes · 1 no" stands for)."""
        said = [f"{n} {label}" for n, (_, label) in zip(self.feedback, RECOMMENDATIONS, strict=True) if n]
        return "Feedback: " + ", ".join(said)


# pipeline.interviews.models.Scorecard.Recommendation by value, most favourable first (that room is
# above this one: the board reaches its scorecards by relation names, as access.py its panels).
RECOMMENDATIONS = (("strong_yes", "strong yes"), ("yes", "yes"), ("no", "no"), ("strong_no", "strong no"))


def feedback_tallies(application_ids, viewer):
    """{application id: (strong yes, yes, no, strong no)} of the scorecards on `application_ids` that
    `viewer` (a membership) may read, leaving out those with none: one grouped query.

    Feedback is blind (pipeline.interviews.access): a member who sits on a scheduled interview of an
    application and hasn't given feedback on it sees no one else's there, so no tally either. The
    same query counts, per application, the viewer's seats and the seats they have given feedback
    on; the filters each sit in one Q, so each names the same interview, panel and scorecard rows.
    """
    if not application_ids:
        return {}
    seat = Q(interviews__status=INTERVIEW_SCHEDULED, interviews__panel__user_id=viewer.user_id)
    counted = {
        value: Count("interviews__scorecards", filter=Q(interviews__scorecards__recommendation=value), distinct=True)
        for value, _ in RECOMMENDATIONS
    }
    rows = (
        Application.objects.filter(pk__in=application_ids)
        .order_by()
        .values("pk")
        .annotate(
            **counted,
            seats=Count("interviews", filter=seat, distinct=True),
            given=Count("interviews", filter=seat & Q(interviews__scorecards__author_id=viewer.user_id), distinct=True),
        )
    )
    tallies = {}
    for row in rows:
        counts = tuple(row[value] for value, _ in RECOMMENDATIONS)
        if any(counts) and row["given"] == row["seats"]:
            tallies[row["pk"]] = counts
    return tallies


CARD_COLUMNS = (
    "pk",
    "candidate_id",
    "current_stage_id",
    "status",
    "position",
    "stage_entered_at",
    "source",
    "rating",
    "is_starred",
    "candidate__first_name",
    "candidate__last_name",
    "knocked_out",
    "applied_at",
    "candidate__city",
    "candidate__email",
)
# Board cards show the answers to at most this many key questions (the form builder allows no more).
MAX_KEY_QUESTIONS = 3


def _key_questions(stages):
    return [f for f in board_fields(stages) if f.is_key_question][:MAX_KEY_QUESTIONS]


def _key_answer_columns(questions):
    """One annotation per key question: the application's answer to it, read in the cards' own query."""
    return {
        f"key_answer_{index}": Subquery(
            ApplicationFormAnswer.objects.filter(application=OuterRef("pk"), field_id=question.pk)
            .order_by("pk")
            .values("value")[:1],
            output_field=JSONField(),
        )
        for index, question in enumerate(questions)
    }


def _answer_text(question, value):
    """An answer as a card prints it: Yes/No, 5 (not 5.0), a list joined, a date as the pages write one."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if question.field_type == FormField.Type.DATE and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value))
        except ValueError:
            pass
    text = str(value)
    return text if len(text) <= 60 else f"{text[:59]}…"


def _decorate(rows, stages, viewer, questions=()):
    """Cards from rows of CARD_COLUMNS (then the answers to `questions`, the key questions), with tag
    names (one query), the feedback `viewer` may see (one query), days in stage, warmth and URLs."""
    width = len(CARD_COLUMNS)
    cards = []
    for row in rows:
        card = Card(*row[:width])
        card.key_answers = [
            (question.label, _answer_text(question, value))
            for question, value in zip(questions, row[width:], strict=True)
            if value not in (None, "", [])
        ]
        cards.append(card)
    tallies = feedback_tallies([card.pk for card in cards], viewer)
    # Plain (application, name) rows: a prefetch would build a manager and a Tag for each.
    tags = ApplicationTag.objects.filter(application__in=[card.pk for card in cards]).order_by("tag__normalised")
    names = {}
    for application_id, name in tags.values_list("application_id", "tag__name"):
        names.setdefault(application_id, []).append(name)
    stale_after = {stage.pk: stage.stale_after_days for stage in stages}
    now = timezone.now()
    candidate_url = _url_format("pipeline:candidate")
    move_url = _url_format("pipeline:move_application")
    star_url = _url_format("pipeline:application_action", None, "star")
    for card in cards:
        card.days_in_stage = (now - card.stage_entered_at).days
        # Warm once the stage's own limit is reached, hot at three times it.
        card.stale_after = stale_after.get(card.current_stage_id)
        card.age = _age(card.days_in_stage, card.stale_after)
        card.candidate_url = candidate_url.format(card.candidate_id)
        card.move_url = move_url.format(card.pk)
        card.star_url = star_url.format(card.pk)
        card.tag_names = names.get(card.pk, [])
        card.feedback = tallies.get(card.pk, ())
    return cards


def _first_cards(job, filters, stages, limits, questions=()):
    """Rows of the first `limits[stage]` cards of each column, each column read on the (stage, position, id) index.

    One query whose cost follows the cards shown, not the job's size. PostgreSQL: a UNION ALL of
    per-column LIMIT queries. SQLite refuses a LIMIT inside a compound query but takes one in an IN
    subquery, and runs `id IN (column 1) OR id IN (column 2) ...` as one index lookup per column
    (PostgreSQL would scan the table for that OR).
    """
    if not stages:
        return []
    columns = [
        filtered_applications(job, filters, stage=stage).order_by("position", "pk")[: limits[stage.pk]]
        for stage in stages
    ]
    keys = _key_answer_columns(questions)
    if connection.features.supports_slicing_ordering_in_compound:
        columns = [column.annotate(**keys).values_list(*CARD_COLUMNS, *keys) for column in columns]
        return list(columns[0].union(*columns[1:], all=True))
    wanted = Q()
    for column in columns:
        wanted |= Q(pk__in=column.values("pk"))
    return list(Application.objects.filter(wanted).order_by().annotate(**keys).values_list(*CARD_COLUMNS, *keys))


def column_counts(applications, stages):
    """How many of `applications` each of `stages` holds (one grouped query)."""
    rows = (
        applications.filter(current_stage__in=stages)
        .order_by()
        .values_list("current_stage_id")
        # COUNT(*), not COUNT(id): PostgreSQL can then answer from application_count_idx alone.
        .annotate(count=Count("*"))
    )
    return dict(rows)


def build_columns(job, filters, stages, *, viewer, expanded=None):
    """Columns of `stages` with their counts and first cards: a fixed number of queries, whatever the size.

    `viewer` is the member looking (the feedback they may see); `expanded` maps a stage id to how
    many cards that column shows ("show more").
    """
    expanded = expanded or {}
    filters = within_fields(filters, board_fields(stages))
    limits = {stage.pk: expanded.get(stage.pk, CARDS_PER_COLUMN) for stage in stages}
    questions = _key_questions(stages)
    cards = _decorate(_first_cards(job, filters, stages, limits, questions), stages, viewer, questions)
    cards.sort(key=lambda card: (card.position, card.pk))
    by_stage = {}
    for card in cards:
        by_stage.setdefault(card.current_stage_id, []).append(card)
    counts = column_counts(filtered_applications(job, filters), stages)
    column_url = _url_format("pipeline:board_column", job.pk, None)
    return [
        _column(stage, counts.get(stage.pk, 0), cards=by_stage.get(stage.pk, []), url=column_url.format(stage.pk))
        for stage in stages
    ]


def column_feet(job, filters, stages, shown):
    """The counts and footers of `stages` after a drag; `shown` maps a stage id to the cards the browser shows."""
    filters = within_fields(filters, board_fields(stages))
    counts = column_counts(filtered_applications(job, filters), stages)
    return [_column(stage, counts.get(stage.pk, 0), shown=shown[stage.pk]) for stage in stages]


def _column(stage, count, *, cards=(), shown=None, url=""):
    """A column as the board's templates read it: `remaining` is what "show more" would add."""
    shown = len(cards) if shown is None else min(count, shown)
    return {"stage": stage, "url": url, "count": count, "cards": cards, "shown": shown, "remaining": count - shown}


def board_cards(job, pks, *, viewer, stages=None):
    """Some cards of `job` as the board shows them to `viewer` (after a change to them)."""
    stages = stages if stages is not None else job_stages(job)
    questions = _key_questions(stages)
    keys = _key_answer_columns(questions)
    rows = Application.objects.filter(job=job, pk__in=pks).order_by().annotate(**keys).values_list(*CARD_COLUMNS, *keys)
    return _decorate(rows, stages, viewer, questions)


# A "loose index scan": each next value is one probe of an index on (scope, column), so the cost follows
# how many distinct values there are, not how many rows (DISTINCT reads every row's index entry).
_DISTINCT_SQL = """
    WITH RECURSIVE found(value) AS (
        SELECT MIN({column}) FROM {table} WHERE {scope} = %s AND {column} > ''
        UNION ALL
        SELECT (SELECT MIN({column}) FROM {table} WHERE {scope} = %s AND {column} > found.value)
        FROM found WHERE found.value IS NOT NULL
    )
    SELECT value FROM found WHERE value IS NOT NULL
"""


def distinct_values(model, column, *, scope, value):
    """The distinct non-empty values of `column` in `model`'s rows whose `scope` column is `value`, A to Z.

    Needs an index on (scope, column). Column names come from code, never from a request.
    """
    sql = _DISTINCT_SQL.format(table=model._meta.db_table, column=column, scope=scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value, value])
        return [found for (found,) in cursor.fetchall()]


def job_sources(job):
    """The distinct sources of the job's applications (the board's source filter): application_source_idx."""
    return distinct_values(Application, "source", scope="job_id", value=job.pk)


def build_board(job, filters, *, viewer, expanded=None, stages=None):
    """The whole board as `viewer` sees it: its columns, and what the page around them needs."""
    stages = stages if stages is not None else job_stages(job)
    columns = build_columns(job, filters, stages, viewer=viewer, expanded=expanded)
    fields = board_fields(stages)
    return {
        "columns": columns,
        "stages": stages,
        "total": sum(column["count"] for column in columns),
        "sources": job_sources(job),
        "status_filters": [(key, label) for key, (label, _) in STATUS_FILTERS.items()],
        # The job's choice and yes/no questions, to filter by (answer=<field.pk>:<option.value>).
        "answer_filters": answer_filter_options(job, fields=fields, selected=filters.get("answers", ())),
    }
