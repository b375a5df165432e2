"""My tasks: GET /tasks/, full page and htmx fragment (the results)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.tasks.models import Task
from pipeline.tasks.selectors import local_today
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, make_job

pytestmark = pytest.mark.django_db

URL = "/tasks/"
HTMX = {"HX-Request": "true"}
# Session, user, membership, the page count, the open rows, the recently done, who may open which candidate,
# the job filter's choices: the same at any size. The full page adds the bell's count and the Tasks badge's.
MAX_QUERIES = 10


def today_of(user):
    return local_today(user, user.memberships.get().organization)


def groups(html):
    """{group heading: [task titles]} in the page's order."""
    found = {}
    for section in re.split(r'<h2 class="h6 text-uppercase task-group', html)[1:]:
        section = section.split("</section>")[0]
        heading = re.search(r'id="group-\w+">([^<]+)<', section).group(1).strip()
        found[heading] = re.findall(r'class="fw-semibold task-title[^"]*" href="/tasks/\d+/">([^<]+)</a>', section)
    return found


def test_my_open_tasks_are_grouped_overdue_today_upcoming_and_undated(client_for, recruiter, make_task):
    today = today_of(recruiter)
    make_task(title="Someday", assignee=recruiter)
    make_task(title="Tomorrow", assignee=recruiter, due_on=today + timedelta(days=1))
    make_task(title="Now", assignee=recruiter, due_on=today)
    make_task(title="Late", assignee=recruiter, due_on=today - timedelta(days=2))
    make_task(title="Later but urgent", assignee=recruiter, due_on=today + timedelta(days=1), priority="urgent")

    response = client_for(recruiter).get(URL)

    assert response.status_code == 200
    assert groups(response.text) == {
        "Overdue": ["Late"],
        "Today": ["Now"],
        "Upcoming": ["Later but urgent", "Tomorrow"],
        "No date": ["Someday"],
    }
    assert "text-danger fw-semibold" in response.text.split('id="group-overdue"')[1].split("</section>")[0]


def test_today_is_the_viewers_own_day(client_for, organization, make_task):
    east = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
    west = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
    east.timezone, west.timezone = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # 25 hours apart: never one day
    east.save(), west.save()
    east_today = today_of(east)
    make_task(title="East day", assignee=east, due_on=east_today)
    make_task(title="West too", assignee=west, due_on=east_today)

    assert groups(client_for(east).get(URL).text) == {"Today": ["East day"]}
    assert groups(client_for(west).get(URL).text) == {"Upcoming": ["West too"]}


def test_others_tasks_show_only_with_the_assignee_filter(client_for, recruiter, make_task):
    colleague = UserFactory(name="Grace Hopper")
    make_task(title="Mine", assignee=recruiter)
    make_task(title="Graces", assignee=colleague)
    make_task(title="Nobodys")
    client = client_for(recruiter)

    mine, anyone, unassigned = (client.get(URL, {"assignee": who}) for who in ("me", "anyone", "unassigned"))

    assert groups(mine.text) == {"No date": ["Mine"]}
    assert groups(anyone.text) == {"No date": ["Mine", "Graces", "Nobodys"]}
    assert "Grace Hopper" in anyone.text
    assert groups(unassigned.text) == {"No date": ["Nobodys"]}


def test_it_filters_by_job_and_priority(client_for, recruiter, organization, application, make_task):
    other = ApplicationFactory(job=make_job(organization, title="Designer"))
    make_task(title="Backend high", assignee=recruiter, application=application, priority="high")
    make_task(title="Backend low", assignee=recruiter, application=application, priority="low")
    make_task(title="Design high", assignee=recruiter, application=other, priority="high")
    client = client_for(recruiter)

    by_job = client.get(URL, {"job": application.job_id})
    by_both = client.get(URL, {"job": application.job_id, "priority": "high"})

    assert groups(by_job.text) == {"No date": ["Backend high", "Backend low"]}
    assert groups(by_both.text) == {"No date": ["Backend high"]}


def test_a_job_the_viewer_cant_open_filters_nothing(client_for, hiring_manager, organization, make_task):
    hidden = ApplicationFactory(job=make_job(organization, title="Secret"))
    make_task(title="Mine", assignee=hiring_manager)

    response = client_for(hiring_manager).get(URL, {"job": hidden.job_id})

    assert response.status_code == 200
    assert response.context["filters"]["job"] is None
    assert groups(response.text) == {"No date": ["Mine"]}
    assert "Secret" not in response.text


def test_done_tasks_are_listed_under_recently_done_and_on_their_own(client_for, recruiter, make_task):
    make_task(title="Open one", assignee=recruiter)
    make_task(title="Done one", assignee=recruiter, status="done", completed_at=timezone.now())
    client = client_for(recruiter)

    open_page, done_page = client.get(URL), client.get(URL, {"status": "done"})

    assert groups(open_page.text) == {"No date": ["Open one"]}
    assert '<details class="mt-4 recently-done">' in open_page.text
    assert "Done one" in open_page.text.split("recently-done")[1]
    assert groups(done_page.text) == {"Done": ["Done one"]}


def test_nothing_to_do_says_where_tasks_come_from(client_for, recruiter):
    response = client_for(recruiter).get(URL)

    assert response.status_code == 200
    assert "Nothing to do" in response.text
    assert 'href="/tasks/new/"' in response.text


def test_filters_that_match_nothing_offer_to_clear_them(client_for, recruiter, make_task):
    make_task(title="Mine", assignee=recruiter, priority="low")

    response = client_for(recruiter).get(URL, {"priority": "urgent"})

    assert response.status_code == 200
    assert "No open task matches these filters." in response.text
    assert "Clear the filters" in response.text


def test_the_fragment_is_the_results_only(client_for, recruiter, make_task):
    make_task(title="Mine", assignee=recruiter)

    response = client_for(recruiter).get(URL, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results">')
    assert "<html" not in response.text
    assert groups(response.text) == {"No date": ["Mine"]}


def test_it_refuses_post(client_for, recruiter):
    assert client_for(recruiter).post(URL).status_code == 405


def test_signed_out_visitors_are_asked_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_organisations_tasks_never_show(client_for, recruiter, other_organization, make_task):
    stranger = other_organization.memberships.get().user
    make_task(title="Theirs", organization=other_organization, assignee=stranger)

    response = client_for(recruiter).get(URL, {"assignee": "anyone"})

    assert response.status_code == 200
    assert groups(response.text) == {}
    assert "Theirs" not in response.text


def test_an_interviewer_sees_only_their_own_and_has_no_assignee_filter(client_for, interviewer, recruiter, make_task):
    make_task(title="Interviewers", assignee=interviewer)
    make_task(title="Recruiters", assignee=recruiter)

    response = client_for(interviewer).get(URL, {"assignee": "anyone"})

    assert response.status_code == 200
    assert groups(response.text) == {"No date": ["Interviewers"]}
    assert 'name="assignee"' not in response.text
    assert 'href="/tasks/new/"' not in response.text  # tasks about no one are the recruiters'


def test_a_hiring_manager_sees_tasks_on_their_jobs_not_others(
    client_for, hiring_manager, recruiter, organization, job, application, make_task
):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    elsewhere = ApplicationFactory(job=make_job(organization, title="Designer"))
    make_task(title="On my job", assignee=recruiter, application=application)
    make_task(title="Not my job", assignee=recruiter, application=elsewhere)
    make_task(title="I made it", assignee=recruiter, created_by=hiring_manager)

    response = client_for(hiring_manager).get(URL, {"assignee": "anyone"})

    assert groups(response.text) == {"No date": ["On my job", "I made it"]}


def test_a_candidate_links_only_for_who_may_open_them(client_for, interviewer, recruiter, application, make_task):
    make_task(title="Call Ada's references", assignee=interviewer, application=application)
    make_task(title="Screen Ada", assignee=recruiter, application=application)
    candidate_link = f'href="/candidates/{application.candidate_id}/#application-{application.pk}"'

    interviewers, recruiters = client_for(interviewer).get(URL), client_for(recruiter).get(URL)

    assert "Ada" in interviewers.text
    assert candidate_link not in interviewers.text
    assert candidate_link in recruiters.text


def test_titles_and_names_are_escaped(client_for, recruiter, job, make_task):
    evil = ApplicationFactory(job=job, candidate__first_name="<b>Eve</b>")
    make_task(title='<img src=x onerror="alert(1)">', assignee=recruiter, application=evil)

    response = client_for(recruiter).get(URL)

    assert response.status_code == 200
    assert "&lt;img src=x" in response.text
    assert "<img src=x" not in response.text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in response.text


def test_pages_hold_fifty_open_tasks(client_for, recruiter, organization):
    Task.objects.bulk_create(Task(organization=organization, title=f"T{n}", assignee=recruiter) for n in range(60))
    client = client_for(recruiter)

    first, second = client.get(URL), client.get(URL, {"page": "2"})

    assert len(groups(first.text)["No date"]) == 50
    assert len(groups(second.text)["No date"]) == 10
    assert "Page 1 of 2" in first.text


def _add_rows(organization, recruiter, job, count):
    applications = [ApplicationFactory(job=job) for _ in range(3)]
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(
            organization=organization,
            title=f"Task {n}",
            assignee=recruiter,
            application=applications[n % 3] if n % 4 else None,
            due_on=today + timedelta(days=n % 7 - 3) if n % 5 else None,
            priority=Task.Priority.values[n % 4],
            status="done" if n % 6 == 0 else "open",
            completed_at=timezone.now() if n % 6 == 0 else None,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_the_page_costs_the_same_queries_however_many_tasks(client_for, organization, job, role, headers, request):
    viewer = request.getfixturevalue(role)
    HiringTeamMember.objects.create(job=job, user=viewer, role=HiringTeamMember.Role.HIRING_MANAGER)
    client = client_for(viewer)
    params = {"assignee": "anyone"}
    _add_rows(organization, viewer, job, 3)
    client.get(URL, params, headers=headers)  # warm: the session, the content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, params, headers=headers).status_code == 200
        few_count = len(few)
    _add_rows(organization, viewer, job, 300)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, params, headers=headers)
        many_count = len(many)

    assert response.status_code == 200
    assert few_count == many_count <= MAX_QUERIES
