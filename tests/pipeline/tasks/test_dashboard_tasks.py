"""The dashboard's "My open tasks": the viewer's own, overdue and today's first, at most five, a link to all."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pipeline.tasks.models import Task

pytestmark = pytest.mark.django_db


def section(html):
    return html.split('data-testid="open-tasks"')[1].split("</section>")[0]


def titles(html):
    return re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', section(html))


def test_my_most_pressing_open_tasks_come_first(client_for, recruiter, owner, make_task):
    today = timezone.localdate()
    make_task(title="Someday", assignee=recruiter)
    make_task(title="Next week", assignee=recruiter, due_on=today + timedelta(days=7))
    make_task(title="Today", assignee=recruiter, due_on=today)
    make_task(title="Late", assignee=recruiter, due_on=today - timedelta(days=1))
    make_task(title="Owner's", assignee=owner, due_on=today)
    make_task(title="Done", assignee=recruiter, due_on=today, status="done")

    response = client_for(recruiter).get("/")

    assert response.status_code == 200
    assert titles(response.text) == ["Late", "Today", "Next week", "Someday"]
    assert "2 due now" in section(response.text)
    assert 'href="/tasks/">My tasks</a>' in section(response.text)


def test_at_most_five_and_a_link_to_all(client_for, recruiter, organization):
    Task.objects.bulk_create(Task(organization=organization, title=f"T{n}", assignee=recruiter) for n in range(8))

    response = client_for(recruiter).get("/")

    assert len(titles(response.text)) == 5
    assert 'href="/tasks/">All 8 tasks</a>' in section(response.text)


def test_nothing_assigned_says_where_tasks_come_from(client_for, interviewer):
    response = client_for(interviewer).get("/")

    assert response.status_code == 200
    assert "Nothing assigned to you." in section(response.text)


def test_another_organisations_tasks_of_mine_are_not_listed(client_for, recruiter, other_organization, make_task):
    make_task(title="Elsewhere", organization=other_organization, assignee=recruiter)

    assert titles(client_for(recruiter).get("/").text) == []


def test_the_section_costs_the_same_queries_however_many_tasks(client_for, recruiter, organization, application):
    client = client_for(recruiter)
    client.get("/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
            return len(queries)

    Task.objects.create(organization=organization, title="One", assignee=recruiter, application=application)
    few = count()
    Task.objects.bulk_create(
        Task(organization=organization, title=f"T{n}", assignee=recruiter, application=application) for n in range(50)
    )

    assert count() == few
