"""Reads of tasks: "My tasks" (filters, the day's groups), the open tasks on a candidate's page, the top bar's count."""

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from accounts.middleware import viewer_zone
from accounts.params import to_int
from accounts.permissions import can

from ..candidates.access import visible_candidate_ids
from .access import tasks_visible_to
from .models import Task

PER_PAGE = 50
RECENTLY_DONE = 5
ASSIGNEES = {"me": "Me", "anyone": "Anyone", "unassigned": "Nobody"}
STATUSES = {"open": "Open", "done": "Done"}
# Within a day, the most pressing first (priority is stored as a word, which sorts alphabetically).
PRIORITY_RANK = Case(
    *(When(priority=value, then=Value(rank)) for rank, value in enumerate(Task.Priority.values)),
    output_field=IntegerField(),
)
# Open tasks by due day (none last), the most pressing first within a day.
BY_DUE_DAY = (F("due_on").asc(nulls_last=True), PRIORITY_RANK.desc(), "pk")
# What a row shows: the candidate without their resume and parsed profile.
_ROW_RELATED = ("assignee", "application__job", "application__candidate")
_ROW_FIELDS = (
    *("title", "priority", "status", "due_on", "completed_at", "assignee__name", "assignee__email"),
    *("application__job__title", "application__candidate__first_name", "application__candidate__last_name"),
    *("application__candidate_id", "application__job_id", "organization_id"),
)


def local_today(user, organization):
    """The viewer's own date: "overdue" and "today" are theirs, not the server's."""
    return timezone.now().astimezone(viewer_zone(user, organization)).date()


def sees_others_tasks(membership):
    """Recruiters and hiring managers see tasks that are not theirs (and may filter by assignee)."""
    return can(membership, "manage_applications")


def task_filters(params, membership):
    """The filters of "My tasks", read without ever raising; unknown values fall back to the defaults."""
    assignee = params.get("assignee") if params.get("assignee") in ASSIGNEES else "me"
    if not sees_others_tasks(membership):
        assignee = "me"
    priority = params.get("priority") if params.get("priority") in Task.Priority.values else ""
    return {
        "assignee": assignee,
        "job": to_int(params.get("job")),
        "priority": priority,
        "status": params.get("status") if params.get("status") in STATUSES else "open",
    }


def filter_tasks(tasks, filters, user):
    """Every filter but the status (the open list shows the recently done beside it)."""
    if filters["assignee"] == "me":
        tasks = tasks.filter(assignee=user)
    elif filters["assignee"] == "unassigned":
        tasks = tasks.filter(assignee__isnull=True)
    if filters["job"]:
        tasks = tasks.filter(application__job_id=filters["job"])
    if filters["priority"]:
        tasks = tasks.filter(priority=filters["priority"])
    return tasks


def listed(tasks):
    return tasks.select_related(*_ROW_RELATED).only(*_ROW_FIELDS)


def open_tasks_page(tasks, number):
    """A page of open tasks, by due day (none last), the most pressing first within a day."""
    ordered = tasks.filter(status=Task.Status.OPEN).order_by(*BY_DUE_DAY)
    return Paginator(listed(ordered), PER_PAGE).get_page(number)


def done_tasks(tasks):
    return listed(tasks.filter(status=Task.Status.DONE).order_by("-completed_at", "-pk"))


def done_tasks_page(tasks, number):
    return Paginator(done_tasks(tasks), PER_PAGE).get_page(number)


def group_by_day(tasks, today):
    """[(key, heading, [task])] in the page's order: Overdue, Today, Upcoming, No date (empty ones left out)."""
    groups = {"overdue": [], "today": [], "upcoming": [], "undated": []}
    for task in tasks:
        if task.due_on is None:
            groups["undated"].append(task)
        elif task.due_on < today:
            groups["overdue"].append(task)
        elif task.due_on == today:
            groups["today"].append(task)
        else:
            groups["upcoming"].append(task)
    headings = {"overdue": "Overdue", "today": "Today", "upcoming": "Upcoming", "undated": "No date"}
    return [(key, headings[key], rows) for key, rows in groups.items() if rows]


def mark_visible_candidates(tasks, membership):
    """Set `task.sees_candidate` on each (one query at most): a name links only where the viewer may open it.

    An interviewer's task may be about someone they can't open: they still read who it is about.
    """
    seen = visible_candidate_ids(membership, {task.application.candidate_id for task in tasks if task.application_id})
    for task in tasks:
        task.sees_candidate = bool(task.application_id) and task.application.candidate_id in seen
    return tasks


def assigned_open(membership):
    """The viewer's own open tasks in the organisation, the most urgent first (the dashboard's list)."""
    tasks = Task.objects.filter(
        organization_id=membership.organization_id, assignee_id=membership.user_id, status=Task.Status.OPEN
    )
    return listed(tasks.order_by(*BY_DUE_DAY))


def open_for_applications(membership, applications):
    """{application id: {"open": [task], "done": n}}: the tasks on a candidate's page, in one query.

    Only the tasks the viewer may see. A person has a handful of applications with a handful of
    tasks each, so the done ones are read with the open ones and counted here.
    """
    ids = [application.pk for application in applications]
    found = {pk: {"open": [], "done": 0} for pk in ids}
    if not ids:
        return found
    tasks = tasks_visible_to(membership).filter(application_id__in=ids).select_related("assignee")
    ordered = tasks.order_by(*BY_DUE_DAY)
    for task in ordered:
        if task.is_open:
            found[task.application_id]["open"].append(task)
        else:
            found[task.application_id]["done"] += 1
    return found


def due_now_count(membership, today):
    """How many of the viewer's open tasks are due today or overdue: the top bar's badge (one query)."""
    return Task.objects.filter(
        organization_id=membership.organization_id,
        assignee_id=membership.user_id,
        status=Task.Status.OPEN,
        due_on__lte=today,
    ).count()
