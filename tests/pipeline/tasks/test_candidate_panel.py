"""Tasks on the candidate page: each application's open tasks, a count of the done ones, and "New task"."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from pipeline.tasks.candidate_page import application_panels
from tests.factories import ApplicationFactory, make_job

pytestmark = pytest.mark.django_db


def page(client, application):
    return client.get(f"/candidates/{application.candidate_id}/")


def panel(html, application):
    return html.split(f'id="tasks-{application.pk}"')[1].split("</ul>")[0]


def test_each_application_shows_its_open_tasks_and_how_many_are_done(
    client_for, recruiter, organization, application, make_task
):
    other = ApplicationFactory(job=make_job(organization, title="Designer"), candidate=application.candidate)
    make_task(title="Call the references", application=application, assignee=recruiter, priority="urgent")
    make_task(title="Old one", application=application, status="done", completed_at=timezone.now())
    make_task(title="Portfolio review", application=other)

    response = page(client_for(recruiter), application)

    assert response.status_code == 200
    first, second = panel(response.text, application), panel(response.text, other)
    assert "Call the references" in first and "Urgent" in first and "1 done" in first
    assert "Old one" not in first
    assert "Portfolio review" in second and "Nobody" in second
    assert "Portfolio review" not in first


def test_new_task_starts_from_the_application_and_comes_back(client_for, recruiter, application):
    response = page(client_for(recruiter), application)

    candidate = application.candidate_id
    assert (
        f'href="/tasks/new/?application={application.pk}&amp;next=%2Fcandidates%2F{candidate}%2F%23application-{application.pk}"'
        in response.text
    )
    assert "No open task." in panel(response.text, application)


def test_task_titles_are_escaped(client_for, recruiter, application, make_task):
    make_task(title="<script>alert(1)</script>", application=application)

    response = page(client_for(recruiter), application)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text


def test_all_applications_tasks_cost_one_query(
    django_assert_num_queries, organization, recruiter, application, make_task
):
    applications = [application] + [
        ApplicationFactory(job=make_job(organization), candidate=application.candidate) for _ in range(3)
    ]
    for each in applications:
        make_task(application=each, assignee=recruiter)
        make_task(application=each, status="done")
    request = SimpleNamespace(
        membership=recruiter.memberships.get(), user=recruiter, organization=organization, path="/candidates/1/"
    )

    for each in applications:
        each.can_decide = True  # as the candidate page marks them
    with django_assert_num_queries(1):
        panels = application_panels(request, applications)

    assert {pk: len(context["open"]) for pk, (_, context) in panels.items()} == {a.pk: 1 for a in applications}
    assert {context["done"] for _, context in panels.values()} == {1}
