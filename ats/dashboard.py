"""The dashboard's "what needs you": read from the same scoped queries as the pages they link to.

Everything here is scoped to what the viewer may see (jobs.access, pipeline's access rules) and
reads only: opening the dashboard marks nothing read.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from jobs.models import Stage
from notifications.models import Category
from notifications.selectors import notifications_of
from pipeline.applications.access import applications_visible_to
from pipeline.applications.models import Application
from pipeline.interviews import selectors as interviews
from pipeline.tasks import selectors as tasks

SHOWN = 5


def unread(user, organization, category):
    """(count, newest few) of the viewer's unread notifications of one category."""
    rows = notifications_of(user, organization).filter(category=category, read_at__isnull=True)
    return rows.count(), list(rows[:SHOWN])


def stuck(membership, *, now=None):
    """(count, oldest few) of the active applications the viewer may see, in a stage longer than its
    `stale_after_days`. One condition per distinct limit (jobs use a handful), so it stays one query."""
    now = now or timezone.now()
    visible = applications_visible_to(membership).filter(status=Application.Status.ACTIVE, is_archived=False)
    limits = Stage.objects.filter(job__organization_id=membership.organization_id, job__status="open")
    late = Q()
    for days in limits.values_list("stale_after_days", flat=True).distinct().order_by():
        late |= Q(current_stage__stale_after_days=days, stage_entered_at__lt=now - timedelta(days=days))
    if not late:
        return 0, []
    rows = visible.filter(late, job__status="open").select_related("candidate", "job", "current_stage")
    return rows.count(), list(rows.order_by("stage_entered_at")[:SHOWN])


def my_jobs(membership):
    """The open jobs whose hiring team the viewer is on, each with its active applications by stage."""
    jobs = list(
        membership.user.hiring_teams.filter(job__organization_id=membership.organization_id, job__status="open")
        .select_related("job")
        .order_by("job__title")
    )
    job_ids = [member.job_id for member in jobs]
    counts = {
        (row["job_id"], row["current_stage_id"]): row["n"]
        for row in Application.objects.filter(job_id__in=job_ids, status=Application.Status.ACTIVE, is_archived=False)
        .values("job_id", "current_stage_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    stages = {}
    for stage in Stage.objects.filter(job_id__in=job_ids, is_active=True).order_by("order", "pk"):
        stages.setdefault(stage.job_id, []).append({"stage": stage, "count": counts.get((stage.job_id, stage.pk), 0)})
    return [
        {
            "job": member.job,
            "role": member.get_role_display(),
            "stages": stages.get(member.job_id, []),
            "total": sum(item["count"] for item in stages.get(member.job_id, [])),
        }
        for member in jobs
    ]


def open_tasks(membership, *, today):
    """The viewer's own open tasks: how many, how many are due today or overdue, and the most pressing few."""
    rows = tasks.assigned_open(membership)
    counts = rows.order_by().aggregate(count=Count("pk"), due=Count("pk", filter=Q(due_on__lte=today)))
    return {**counts, "rows": list(rows[:SHOWN]) if counts["count"] else []}


def my_interviews(membership):
    """An interviewer's home: their interviews in "My interviews"' three groups, a few of each."""
    groups = interviews.my_interviews(membership, shown=SHOWN)
    interviews.mark_visible_candidates([row for group in groups.values() for row in group["rows"]], membership)
    return {
        "groups": list(groups.values()),
        "total": sum(group["count"] for group in groups.values()),
    }


def upcoming_interviews(membership):
    """The next few interviews a recruiter may see, or a hiring manager is on or organised."""
    return interviews.mark_visible_candidates(interviews.upcoming_for_dashboard(membership, shown=SHOWN), membership)


def interviewer_home(request):
    """An interviewer's dashboard: their interviews and their open tasks, nothing of the organisation's."""
    today = tasks.local_today(request.user, request.organization)
    return {
        **my_interviews(request.membership),
        "open_tasks": open_tasks(request.membership, today=today),
        "today": today,
    }


def needs_you(request):
    """Everything the dashboard's "needs you" part shows, for the signed-in member."""
    new_count, new_rows = unread(request.user, request.organization, Category.NEW_APPLICATION)
    mention_count, mention_rows = unread(request.user, request.organization, Category.MENTION)
    stuck_count, stuck_rows = stuck(request.membership)
    today = tasks.local_today(request.user, request.organization)
    return {
        "new_applications": {"count": new_count, "rows": new_rows},
        "mentions": {"count": mention_count, "rows": mention_rows},
        "stuck": {"count": stuck_count, "rows": stuck_rows},
        "my_jobs": my_jobs(request.membership),
        "open_tasks": open_tasks(request.membership, today=today),
        "upcoming_interviews": upcoming_interviews(request.membership),
        "today": today,
        # To copy into a website or an email: shown to those who manage jobs.
        "careers_url": request.build_absolute_uri(reverse("careers:index", args=[request.organization.slug])),
    }
