"""Tasks' pages: "My tasks", a task with its comments, making one, and what is done to one.

Every task comes through get_task_for_user (404 for what the viewer may not see); whoever sees a
task may complete, reopen and comment on it; making and handing over follow access.may_assign.
Plain POSTs redirect back (post-redirect-get); htmx's complete and reopen re-render the task's row.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.params import to_int
from accounts.permissions import organization_required
from jobs.access import visible_jobs

from ..applications.access import get_application_for_user
from . import selectors, services
from .access import assignee_choices, get_task_for_user, may_assign, visible_tasks
from .forms import CommentForm, ReassignForm, TaskEditForm, TaskForm
from .models import Task

_ABOUT_NO_ONE = "Only recruiters make tasks about no candidate: start from the candidate's page."
_NOT_THE_TEAM = "Tasks about this application are for its hiring team."


def _refusal(application):
    return _ABOUT_NO_ONE if application is None else _NOT_THE_TEAM


def _back(request, default):
    """The posted `next` when it is a path of ours, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_GET
@organization_required
def my_tasks(request):
    membership = request.membership
    filters = selectors.task_filters(request.GET, membership)
    jobs = visible_jobs(request).order_by("title")
    # Filtering by a job one can't open would tell what its tasks are.
    if filters["job"] and not jobs.filter(pk=filters["job"]).exists():
        filters["job"] = None
    today = selectors.local_today(request.user, request.organization)
    tasks = selectors.filter_tasks(visible_tasks(request), filters, request.user)
    if filters["status"] == "done":
        page, recently_done = selectors.done_tasks_page(tasks, request.GET.get("page")), []
        groups = [("done", "Done", selectors.mark_visible_candidates(list(page.object_list), membership))]
    else:
        page = selectors.open_tasks_page(tasks, request.GET.get("page"))
        recently_done = list(selectors.done_tasks(tasks)[: selectors.RECENTLY_DONE]) if page.number == 1 else []
        rows = selectors.mark_visible_candidates([*page.object_list, *recently_done], membership)
        groups = selectors.group_by_day(rows[: len(page.object_list)], today)
    ctx = {
        "page": page,
        "groups": groups,
        "recently_done": recently_done,
        "today": today,
        "filters": filters,
        "any_filter": filters["job"] or filters["priority"] or filters["assignee"] != "me",
        "jobs": jobs.only("title"),
        "assignees": selectors.ASSIGNEES.items(),
        "statuses": selectors.STATUSES.items(),
        "priorities": Task.Priority.choices,
        "sees_others": selectors.sees_others_tasks(membership),
        "can_create": may_assign(membership, None),
        "here": request.get_full_path(),
    }
    template = "pipeline/tasks/my_tasks.html#results" if request.htmx else "pipeline/tasks/my_tasks.html"
    return render(request, template, ctx)


def _detail(request, task, *, comment_form=None, reassign_form=None, status=200):
    membership = request.membership
    may_reassign = may_assign(membership, task.application)
    if may_reassign and reassign_form is None:
        assignees = assignee_choices(request.organization, task.application)
        reassign_form = ReassignForm(initial={"assignee": task.assignee_id}, assignees=assignees)
    selectors.mark_visible_candidates([task], membership)
    ctx = {
        "task": task,
        "may_edit": may_reassign,
        "today": selectors.local_today(request.user, request.organization),
        "comments": task.comments.select_related("author"),
        "comment_form": comment_form or CommentForm(),
        "reassign_form": reassign_form if may_reassign else None,
    }
    return render(request, "pipeline/tasks/task_detail.html", ctx, status=status)


@require_GET
@organization_required
def task_detail(request, pk):
    return _detail(request, get_task_for_user(request, pk))


@organization_required
def task_create(request):
    """A new task; `?application=<id>` (then a hidden field) makes it about that application."""
    source = request.POST if request.method == "POST" else request.GET
    application = None
    if source.get("application"):
        application = get_application_for_user(request, to_int(source["application"]))
    allowed = may_assign(request.membership, application)
    refusal = _refusal(application)
    if not allowed and request.method != "POST":
        raise PermissionDenied(refusal)
    assignees = assignee_choices(request.organization, application)
    initial = {"assignee": request.user.pk if assignees.filter(pk=request.user.pk).exists() else None}
    form = TaskForm(request.POST if request.method == "POST" else None, initial=initial, assignees=assignees)
    if request.method == "POST" and form.is_valid() and allowed:
        task = services.create_task(organization=request.organization, by=request.user, application=application,
                                    **form.cleaned_data)  # fmt: skip
        messages.success(request, f"Task “{task.title}” created.")
        return redirect(_back(request, reverse("pipeline:task", args=[task.pk])))
    if request.method == "POST" and not allowed:
        form.add_error(None, refusal)
    ctx = {"form": form, "application": application, "next": _back(request, "")}
    return render(request, "pipeline/tasks/task_form.html", ctx, status=400 if form.errors else 200)


@organization_required
def task_edit(request, pk):
    task = get_task_for_user(request, pk)
    if not may_assign(request.membership, task.application):
        raise PermissionDenied(_refusal(task.application))
    fields = ("title", "description", "due_on", "priority")
    form = TaskEditForm(request.POST if request.method == "POST" else None, initial=model_to_dict(task, fields))
    if request.method == "POST" and form.is_valid():
        services.update_task(task=task, **form.cleaned_data)
        messages.success(request, "Task saved.")
        return redirect("pipeline:task", task.pk)
    ctx = {"form": form, "task": task, "application": task.application, "next": ""}
    return render(request, "pipeline/tasks/task_form.html", ctx, status=400 if form.errors else 200)


def _changed(request, task, done_message):
    """The answer to complete or reopen: the row again (htmx), else back where the viewer was."""
    if request.htmx:
        task = selectors.listed(visible_tasks(request)).get(pk=task.pk)
        selectors.mark_visible_candidates([task], request.membership)
        here = _back(request, reverse("pipeline:tasks"))
        ctx = {
            "task": task,
            "today": selectors.local_today(request.user, request.organization),
            "here": here,
            # The row as the list it is in shows it (with its assignee, unless the list is the viewer's own).
            "filters": selectors.task_filters(QueryDict(urlsplit(here).query), request.membership),
            "toast": done_message,
        }
        return render(request, "pipeline/tasks/my_tasks.html#task_row_answer", ctx)
    if done_message:
        messages.success(request, done_message)
    return redirect(_back(request, reverse("pipeline:task", args=[task.pk])))


@require_POST
@organization_required
def complete_task(request, pk):
    task = get_task_for_user(request, pk)
    try:
        services.complete_task(task=task, by=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return _changed(request, task, "")
    return _changed(request, task, f"Done: {task.title}.")


@require_POST
@organization_required
def reopen_task(request, pk):
    task = get_task_for_user(request, pk)
    try:
        services.reopen_task(task=task, by=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return _changed(request, task, "")
    return _changed(request, task, f"Reopened: {task.title}.")


@require_POST
@organization_required
def reassign_task(request, pk):
    task = get_task_for_user(request, pk)
    if not may_assign(request.membership, task.application):
        raise PermissionDenied(_refusal(task.application))
    assignees = assignee_choices(request.organization, task.application)
    form = ReassignForm(request.POST, assignees=assignees)
    if not form.is_valid():
        return _detail(request, task, reassign_form=form, status=400)
    assignee = form.cleaned_data["assignee"]
    services.reassign_task(task=task, assignee=assignee, by=request.user)
    who = "you" if assignee == request.user else assignee.get_full_name() if assignee else "nobody"
    messages.success(request, f"The task is assigned to {who}.")
    return redirect("pipeline:task", task.pk)


@require_POST
@organization_required
def add_task_comment(request, pk):
    task = get_task_for_user(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, task, comment_form=form, status=400)
    comment = services.add_comment(task=task, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, "Comment added.")
    return redirect(reverse("pipeline:task", args=[task.pk]) + f"#comment-{comment.pk}")
