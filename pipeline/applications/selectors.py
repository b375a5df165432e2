"""Reads of the board of one job: columns, counts and cards in a fixed number of queries, at any size."""

from functools import partial

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.params import to_int, to_text
from jobs.models import Stage

from ..candidates.models import Candidate
from .models import Application, Tag, normalise_tag
from .services import rejection_reasons

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
        # Matched on the form normalised in Python, so `CAFÉ` finds `Café` on SQLite too.
        applications = applications.filter(tags__normalised=normalise_tag(filters["tag"]))
    if filters["rating"]:
        applications = applications.filter(rating__gte=filters["rating"])
    if filters["source"]:
        applications = applications.filter(source=filters["source"])
    if filters["starred"]:
        applications = applications.filter(is_starred=True)
    return applications


def job_stages(job):
    return list(Stage.objects.filter(job=job, is_active=True))


def _age(days, stale_after):
    if stale_after and days >= 3 * stale_after:
        return "hot"
    if stale_after and days >= stale_after:
        return "warm"
    return "fresh"


def build_board(job, filters, *, expanded=None, stages=None):
    """Columns with their counts and first cards: a fixed number of queries, whatever the size.

    `expanded` maps a stage id to how many cards that column shows ("show more").
    """
    expanded = expanded or {}
    stages = stages if stages is not None else job_stages(job)
    applications = filtered_applications(job, filters)
    limit = max([CARDS_PER_COLUMN, *expanded.values()])
    in_stage = {"partition_by": F("current_stage_id")}
    cards = (
        applications.select_related("candidate")
        .defer("cover_letter", "notes", "internal_notes", *(f"candidate__{name}" for name in Candidate.HEAVY_FIELDS))
        .annotate(
            row=Window(RowNumber(), order_by=[F("position"), F("pk")], **in_stage),
            # The column's count rides on its cards (taken before the LIMIT): no separate count query.
            in_column=Window(Count("pk"), **in_stage),
        )
        .filter(row__lte=limit)
        .order_by("current_stage_id", "row")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name").order_by("normalised")))
    )
    by_stage = {}
    counts = {}
    for card in cards:
        counts[card.current_stage_id] = card.in_column
        if card.row <= expanded.get(card.current_stage_id, CARDS_PER_COLUMN):
            by_stage.setdefault(card.current_stage_id, []).append(card)
    now = timezone.now()
    columns = []
    for stage in stages:
        stage_cards = by_stage.get(stage.pk, [])
        for card in stage_cards:
            card.days_in_stage = (now - card.stage_entered_at).days
            # Warm once the stage's own limit is reached, hot at three times it.
            card.age = _age(card.days_in_stage, stage.stale_after_days)
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
        "reasons": partial(rejection_reasons, job.organization),
        "status_filters": [(key, label) for key, (label, _) in STATUS_FILTERS.items()],
    }
