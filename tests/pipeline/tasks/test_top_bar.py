"""The top bar's Tasks link, and its badge: the viewer's open tasks due today or overdue (one query)."""

import copy
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pipeline.tasks.models import Task

pytestmark = pytest.mark.django_db

PROCESSOR = "pipeline.tasks.context_processors.due_tasks"


def without_badge(settings):
    """The settings without the badge's context processor: to count what the badge costs."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].remove(PROCESSOR)
    settings.TEMPLATES = templates


def badge(html):
    if 'data-testid="due-tasks"' not in html:
        return None
    return int(html.split('data-testid="due-tasks">')[1].split("<")[0])


def test_every_member_page_links_to_tasks(client_for, interviewer):
    response = client_for(interviewer).get("/")

    assert response.status_code == 200
    assert 'href="/tasks/"' in response.text.split("</nav>")[0]


def test_the_link_is_current_on_my_tasks(client_for, recruiter):
    response = client_for(recruiter).get("/tasks/")

    assert 'class="nav-link active" aria-current="page" href="/tasks/"' in response.text


def test_the_badge_counts_my_open_tasks_due_today_or_overdue(client_for, recruiter, owner, make_task):
    today = timezone.localdate()
    make_task(assignee=recruiter, due_on=today)
    make_task(assignee=recruiter, due_on=today - timedelta(days=3))
    make_task(assignee=recruiter, due_on=today + timedelta(days=1))
    make_task(assignee=recruiter)
    make_task(assignee=recruiter, due_on=today, status="done")
    make_task(assignee=owner, due_on=today)

    assert badge(client_for(recruiter).get("/").text) == 2
    assert badge(client_for(owner).get("/").text) == 1


def test_no_badge_when_nothing_is_due(client_for, recruiter, make_task):
    make_task(assignee=recruiter, due_on=timezone.localdate() + timedelta(days=1))

    response = client_for(recruiter).get("/")

    assert response.status_code == 200
    assert badge(response.text) is None


def test_the_badge_costs_one_query_however_many_tasks(client_for, recruiter, organization, settings):
    client = client_for(recruiter)
    today = timezone.localdate()

    def count():
        client.get("/tasks/new/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tasks/new/").status_code == 200
            return len(queries)

    original = settings.TEMPLATES
    without_badge(settings)
    without = count()
    settings.TEMPLATES = original
    Task.objects.create(organization=organization, title="One", assignee=recruiter, due_on=today)
    few = count()
    Task.objects.bulk_create(
        Task(organization=organization, title=f"T{n}", assignee=recruiter, due_on=today) for n in range(50)
    )

    assert count() == few == without + 1
