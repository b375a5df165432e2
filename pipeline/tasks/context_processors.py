"""The top bar's Tasks badge: how many of the viewer's open tasks are due today or overdue.

Counted only if the page shows it (one query, then remembered), like the bell's count. Listed in
settings.TEMPLATES' context processors as "pipeline.tasks.context_processors.due_tasks".
"""

from functools import cache, partial

from .selectors import due_now_count, local_today


def _count(request):
    return due_now_count(request.membership, local_today(request.user, request.organization))


def due_tasks(request):
    if getattr(request, "membership", None) is None:
        return {}
    return {"due_tasks": cache(partial(_count, request))}
