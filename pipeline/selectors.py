"""The kanban board of one job: the whole board in one request, at the same cost at any size."""

import re
from datetime import date
from functools import partial

from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.params import to_int

from .models import Application, WorkflowStep
from .services import default_rejection_reasons, workflow_for

CARDS_PER_COLUMN = 25
STATUS_FILTERS = {
    "": ("Active", [Application.Status.ACTIVE, Application.Status.ON_HOLD]),
    "rejected": ("Rejected or withdrawn", [Application.Status.REJECTED, Application.Status.WITHDRAWN]),
    "hired": ("Hired", [Application.Status.HIRED]),
    "all": ("All", list(Application.Status)),
}


def board_filters(params):
    """The filters as they stand in the URL (so a board can be bookmarked and shared)."""
    return {
        "q": params.get("q", "").strip()[:100],
        "tag": params.get("tag", "").strip()[:40],
        "rating": rating if (rating := to_int(params.get("rating"), maximum=5)) else None,
        "source": params.get("source", "").strip()[:100],
        "starred": params.get("starred") == "1",
        "status": params.get("status", "") if params.get("status", "") in STATUS_FILTERS else "",
    }


def filtered_applications(job, filters):
    applications = Application.objects.filter(job=job, status__in=STATUS_FILTERS[filters["status"]][1])
    if filters["status"] != "all":
        applications = applications.filter(is_archived=False)
    if filters["q"]:
        q = filters["q"]
        name_or_email = Q(candidate__first_name__icontains=q) | Q(candidate__last_name__icontains=q)
        applications = applications.filter(name_or_email | Q(candidate__email__icontains=q))
    if filters["tag"]:
        # Tags are a JSON list; matching the quoted tag works on SQLite and PostgreSQL alike.
        applications = applications.filter(tags__icontains=f'"{filters["tag"]}"')
    if filters["rating"]:
        applications = applications.filter(rating__gte=filters["rating"])
    if filters["source"]:
        applications = applications.filter(source=filters["source"])
    if filters["starred"]:
        applications = applications.filter(is_starred=True)
    return applications


def job_stages(job):
    stages = list(WorkflowStep.objects.filter(workflow__job=job, is_active=True).select_related("workflow"))
    if not stages:
        stages = list(workflow_for(job).steps.filter(is_active=True).select_related("workflow"))
    return stages


def build_board(job, filters, *, expanded=None, stages=None):
    """Columns with their counts and first cards: a fixed number of queries, whatever the size.

    `expanded` maps a stage id to how many cards that column shows ("show more").
    """
    expanded = expanded or {}
    stages = stages if stages is not None else job_stages(job)
    applications = filtered_applications(job, filters)
    counts = dict(applications.values_list("current_stage").annotate(n=Count("pk")).order_by())
    limit = max([CARDS_PER_COLUMN, *expanded.values()])
    cards = (
        applications.select_related("candidate")
        .annotate(row=Window(RowNumber(), partition_by=F("current_stage_id"), order_by=[F("position"), F("pk")]))
        .filter(row__lte=limit)
        .order_by("current_stage_id", "row")
    )
    by_stage = {}
    for card in cards:
        if card.row <= expanded.get(card.current_stage_id, CARDS_PER_COLUMN):
            by_stage.setdefault(card.current_stage_id, []).append(card)
    now = timezone.now()
    columns = []
    for stage in stages:
        stage_cards = by_stage.get(stage.pk, [])
        for card in stage_cards:
            card.days_in_stage = (now - card.stage_entered_at).days
        count = counts.get(stage.pk, 0)
        columns.append(
            {
                "stage": stage,
                "count": count,
                "cards": stage_cards,
                "shown": len(stage_cards),
                "remaining": count - len(stage_cards),
            }
        )
    return {
        "columns": columns,
        "stages": stages,
        "total": sum(counts.values()),
        "sources": Application.objects.filter(job=job)
        .exclude(source="")
        .values_list("source", flat=True)
        .distinct()
        .order_by("source"),
        # Called by the template only where the page shows them (not in the htmx board region).
        "reasons": partial(default_rejection_reasons, job.organization),
        "status_filters": [(key, label) for key, (label, _) in STATUS_FILTERS.items()],
    }


# --- Candidates ---------------------------------------------------------------

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
        try:
            return date.fromisoformat(params.get(key, ""))
        except ValueError:
            return None

    sort = params.get("sort", "")
    return {
        "q": params.get("q", "").strip()[:200],
        "job": number("job"),
        "stage": number("stage"),
        "tag": params.get("tag", "").strip()[:40],
        "source": params.get("source", "").strip()[:100],
        "applied_from": day("applied_from"),
        "applied_to": day("applied_to"),
        "sort": sort if sort in CANDIDATE_SORTS else "",
    }


def filter_candidates(candidates, filters, *, jobs=None):
    """Candidates narrowed by the list's filters, sorted; ranked by relevance when searching on PostgreSQL."""
    # One application must match all application filters at once, hence one subquery.
    lookups = {
        "job_id": filters["job"],
        "current_stage_id": filters["stage"],
        "tags__icontains": f'"{filters["tag"]}"' if filters["tag"] else None,
        "applied_at__date__gte": filters["applied_from"],
        "applied_at__date__lte": filters["applied_to"],
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
