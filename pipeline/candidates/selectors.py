"""Reads of the candidate list: search, filters and sorting."""

import re
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from accounts.params import to_date, to_int, to_text

from ..applications.models import Application, normalise_tag

SEARCH_WORD_RE = re.compile(r"\w+", re.UNICODE)


def search_candidates(candidates, text):
    """Full-text search over name, email, skills and resume text.

    PostgreSQL: the generated `search_vector` column (GIN-indexed, see migration
    0003), prefix matching on every word, ranked. SQLite: every word must appear
    in one of those fields, newest first.
    """
    words = SEARCH_WORD_RE.findall(text.lower())[:8]
    if not words:
        return candidates, False
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        matches = RawSQL("pipeline_candidate.search_vector @@ to_tsquery('simple', %s)", [tsquery], BooleanField())
        rank = RawSQL("ts_rank(pipeline_candidate.search_vector, to_tsquery('simple', %s))", [tsquery], FloatField())
        return candidates.filter(matches).annotate(rank=rank), True
    for word in words:
        candidates = candidates.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(skills__icontains=word)
            | Q(resume_text__icontains=word)
        )
    return candidates, False


CANDIDATE_SORTS = {
    "newest": ("Newest", ["-created_at", "-pk"]),
    "oldest": ("Oldest", ["created_at", "pk"]),
    "name": ("Name", ["first_name", "last_name", "pk"]),
    "relevance": ("Best match", None),
}


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
    }


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
    if lookups and jobs is not None:
        lookups["job__in"] = jobs  # a hiring manager's filters look only at their own jobs
    if lookups:
        candidates = candidates.filter(pk__in=Application.objects.filter(**lookups).values("candidate_id"))
    if filters["source"]:
        candidates = candidates.filter(source=filters["source"])
    candidates, ranked = search_candidates(candidates, filters["q"])
    sort = filters["sort"] or ("relevance" if ranked else "newest")
    order = CANDIDATE_SORTS[sort][1]
    if order is None:
        order = ["-rank", "-created_at"] if ranked else CANDIDATE_SORTS["newest"][1]
    return candidates.order_by(*order)
