"""Reads of the candidate list: search, filters and sorting."""

import re
from datetime import timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from accounts.params import to_date, to_int, to_text
from jobs.models import FormField, Stage

from ..applications.models import Application, normalise_tag
from ..applications.selectors import answer_filters, filter_by_answers, within_fields

SEARCH_WORD_RE = re.compile(r"\w+", re.UNICODE)
# A search lists at most this many candidates; past it the page says "1,000+" and asks for another word.
SEARCH_LIMIT = 1000


def search_words(text):
    """The words a search looks for (at most eight); none for punctuation only, which lists everyone."""
    return SEARCH_WORD_RE.findall(text.lower())[:8]


def search_candidates(candidates, text):
    """Full-text search over name, email, skills and resume text: (the matches, their rank or None).

    PostgreSQL: the generated `search_vector` column (GIN-indexed, see migration
    0002), prefix matching on every word, ranked by ts_rank. SQLite: every word must
    appear in one of those fields; there is no rank (None), so the list stays newest first.
    """
    words = search_words(text)
    if not words:
        return candidates, None
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        matches = RawSQL("pipeline_candidate.search_vector @@ to_tsquery('simple', %s)", [tsquery], BooleanField())
        rank = RawSQL("ts_rank(pipeline_candidate.search_vector, to_tsquery('simple', %s))", [tsquery], FloatField())
        return candidates.filter(matches), rank
    for word in words:
        candidates = candidates.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(skills__icontains=word)
            | Q(resume_text__icontains=word)
        )
    return candidates, None


CANDIDATE_SORTS = {
    "newest": ("Newest", ["-created_at", "-pk"]),
    "oldest": ("Oldest", ["created_at", "pk"]),
    "name": ("Name", ["first_name", "last_name", "pk"]),
    "relevance": ("Best match", None),
}
NEWEST = CANDIDATE_SORTS["newest"][1]


def candidate_filters(params):
    def number(key):
        return to_int(params.get(key))

    def day(key):
        return to_date(params.get(key))

    sort = params.get("sort", "")
    return {
        "q": to_text(params.get("q"), limit=200),
        "job": number("job"),
        "stage": number("stage"),
        "tag": to_text(params.get("tag"), limit=40),
        "source": to_text(params.get("source"), limit=100),
        "applied_from": day("applied_from"),
        "applied_to": day("applied_to"),
        "sort": sort if sort in CANDIDATE_SORTS else "",
        # answer=<question id>:<option> (repeatable) and knockout=1/0, as on the board: one job's questions.
        **answer_filters(params),
    }


def within_jobs(filters, jobs):
    """`filters` without a job or stage outside `jobs` (those the viewer can open): filtering by one
    would tell who applied to it."""
    filters = dict(filters)
    if filters["job"] and not jobs.filter(pk=filters["job"]).exists():
        filters["job"] = None
    if filters["stage"] and not Stage.objects.filter(pk=filters["stage"], job__in=jobs).exists():
        filters["stage"] = None
    if filters["answers"]:
        # Answers are filtered within the one job the list is narrowed to, by its own questions only.
        questions = FormField.objects.filter(form__job_id=filters["job"], is_active=True, is_standard=False)
        filters = within_fields(filters, questions.only("pk", "field_type") if filters["job"] else [])
    return filters


def filter_candidates(candidates, filters, *, organization, jobs=None):
    """Candidates narrowed by the list's filters, sorted; ranked by relevance when searching on PostgreSQL."""
    first, last = filters["applied_from"], filters["applied_to"]
    # One application must match all application filters at once, hence one subquery.
    lookups = {
        "job_id": filters["job"],
        "current_stage_id": filters["stage"],
        "tags__normalised": normalise_tag(filters["tag"]) if filters["tag"] else None,
        # Whole days in the organisation's zone, as aware bounds (`__date` would wrap the indexed column).
        "applied_at__gte": first and organization.day_start(first),
        "applied_at__lt": last and organization.day_start(last + timedelta(days=1)),
    }
    lookups = {key: value for key, value in lookups.items() if value}
    answers, knockout = filters.get("answers") or [], filters.get("knockout")
    if (lookups or answers or knockout is not None) and jobs is not None:
        lookups["job__in"] = jobs  # a hiring manager's filters look only at their own jobs
    if lookups:
        applications = filter_by_answers(Application.objects.filter(**lookups), answers=answers, knockout=knockout)
        candidates = candidates.filter(pk__in=applications.values("candidate_id"))
    if filters["source"]:
        candidates = candidates.filter(source=filters["source"])
    candidates, rank = search_candidates(candidates, filters["q"])
    sort = filters["sort"] or ("relevance" if rank is not None else "newest")
    order = CANDIDATE_SORTS[sort][1]
    if order is None and rank is not None:
        return candidates.annotate(rank=rank).order_by("-rank", *NEWEST)
    return candidates.order_by(*(order or NEWEST))  # SQLite has no rank: newest first


def candidate_page(candidates, filters, number, *, per_page=25):
    """Page `number` of `candidates`: filter_candidates' list, with what a page shows of each.

    A search's pages stop at SEARCH_LIMIT (SearchPaginator); ranked by relevance, they come
    from the ranks of its newest matches only (_RankedMatches).
    """
    if not search_words(filters["q"]):
        return Paginator(candidates, per_page).get_page(number)
    if "rank" in candidates.query.annotations:  # filter_candidates ranks only to order by relevance
        candidates = _RankedMatches(candidates)
    return SearchPaginator(candidates, per_page).get_page(number)


class SearchPaginator(Paginator):
    """Pages of a search's first SEARCH_LIMIT results, counting no more than one match past them.

    The exact count of a common skill's 12,000 matches cost more than the page it heads; `truncated`
    says there are more than the pages show.
    """

    @cached_property
    def _found(self):
        matches = self.object_list
        if isinstance(matches, QuerySet):
            matches = matches.order_by().values("pk")[: SEARCH_LIMIT + 1]
        return matches.count()

    @property
    def count(self):
        return min(self._found, SEARCH_LIMIT)

    @property
    def truncated(self):
        return self._found > SEARCH_LIMIT


class _RankedMatches:
    """A search's matches best first, for a paginator, ranking only the newest SEARCH_LIMIT + 1 of them.

    A common skill matches a third of the pool, and ranking 12,000 rows to show 25 was most of a
    search's time. The newest matches come off the (organization, -created_at) index, stopping at
    the bound, in one query with their ranks and so their count (one past the limit tells there are
    more); a page then fetches its own 25 rows.

    Ties in rank went to the newest anyway, so the pages differ from ranking every match only where
    an older match outranks the newest thousand. The CSV export still ranks every match.
    """

    def __init__(self, candidates):
        self.candidates = candidates

    @cached_property
    def _ids(self):
        newest = self.candidates.order_by(*NEWEST).prefetch_related(None).values_list("pk", "rank")
        # A stable sort: the matches of one rank stay newest first, as ORDER BY -rank, NEWEST would.
        return [pk for pk, _ in sorted(newest[: SEARCH_LIMIT + 1], key=lambda row: -row[1])]

    def count(self):
        return len(self._ids)

    def __len__(self):
        return len(self._ids)

    def __getitem__(self, index):
        ids = self._ids[index]  # a paginator asks for a slice: one page
        rows = {candidate.pk: candidate for candidate in self.candidates.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]  # one erased meanwhile is left out
