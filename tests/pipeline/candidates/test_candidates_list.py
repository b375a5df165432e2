"""The candidate list: GET /candidates/ with full-text search, filters, sorting, pages and CSV export."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.models import Application, Candidate
from tests.factories import ApplicationFactory, CandidateFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
URL = "/candidates/"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: ranking and prefix matching use its tsvector column; SQLite searches by substring.",
)


def at(day):
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def person(organization, first_name, *, added=1, **fields):
    """A candidate added on 2026-03-<added>, so the default order (newest first) is known."""
    candidate = CandidateFactory(organization=organization, first_name=first_name, **fields)
    Candidate.objects.filter(pk=candidate.pk).update(created_at=at(added))
    return candidate


def names(response):
    """Candidates' first names in the order listed, of a rendered list (an error page would list no one too)."""
    assert response.status_code == 200
    assert '<div id="results">' in response.text
    return re.findall(r'class="fw-semibold" href="/candidates/\d+/">(\w+)', response.text)


# --- Search ----------------------------------------------------------------------


def test_search_finds_a_word_that_is_only_in_the_resume(recruiter_client, organization):
    person(organization, "Ada", resume_text="Ran Kubernetes clusters for a bank.\nLed a team of five.")
    person(organization, "Bob", resume_text="Wrote Django apps.")

    assert names(recruiter_client.get(URL, {"q": "kubernetes"})) == ["Ada"]


def test_search_matches_name_email_and_skills(recruiter_client, organization):
    person(organization, "Ada", last_name="Lovelace", added=1)
    person(organization, "Bob", email="bob@analytics.test", added=2)
    person(organization, "Cy", skills=["PostgreSQL", "Django"], added=3)

    assert names(recruiter_client.get(URL, {"q": "lovelace"})) == ["Ada"]
    assert names(recruiter_client.get(URL, {"q": "analytics"})) == ["Bob"]
    assert names(recruiter_client.get(URL, {"q": "django"})) == ["Cy"]


def test_every_word_of_the_search_must_match(recruiter_client, organization):
    person(organization, "Ada", resume_text="Python and Kubernetes")
    person(organization, "Bob", resume_text="Python only")

    assert names(recruiter_client.get(URL, {"q": "python kubernetes"})) == ["Ada"]
    assert names(recruiter_client.get(URL, {"q": "python, nothingmatches"})) == []


def test_a_search_of_punctuation_only_lists_everyone(recruiter_client, organization):
    person(organization, "Ada")

    assert names(recruiter_client.get(URL, {"q": "!!! ---"})) == ["Ada"]


@postgresql_only
def test_a_name_match_ranks_above_a_resume_only_match(recruiter_client, organization):
    person(organization, "Resume", resume_text="Ten years of Haskell in production.", added=9)
    person(organization, "Named", last_name="Haskell", added=1)

    assert names(recruiter_client.get(URL, {"q": "haskell"})) == ["Named", "Resume"]
    # Sorting by date still works while searching.
    assert names(recruiter_client.get(URL, {"q": "haskell", "sort": "oldest"})) == ["Named", "Resume"]
    assert names(recruiter_client.get(URL, {"q": "haskell", "sort": "newest"})) == ["Resume", "Named"]


@postgresql_only
def test_search_matches_the_start_of_a_word(recruiter_client, organization):
    person(organization, "Ada", resume_text="Kubernetes operator")

    assert names(recruiter_client.get(URL, {"q": "kube"})) == ["Ada"]


# --- Filters -----------------------------------------------------------------------


@pytest.fixture
def jobs(organization):
    return make_job(organization, title="Backend"), make_job(organization, title="Design")


def test_filtering_by_job_and_stage(recruiter_client, organization, jobs):
    backend, design = jobs
    stages = list(backend.stages.all())
    ApplicationFactory(job=backend, candidate=person(organization, "Ada"), current_stage=stages[0])
    ApplicationFactory(job=backend, candidate=person(organization, "Bob"), current_stage=stages[3])
    cy = person(organization, "Cy")
    ApplicationFactory(job=design, candidate=cy, current_stage=design.stages.last())
    person(organization, "Dee")

    assert sorted(names(recruiter_client.get(URL, {"job": backend.pk}))) == ["Ada", "Bob"]
    assert names(recruiter_client.get(URL, {"stage": stages[3].pk})) == ["Bob"]
    assert names(recruiter_client.get(URL, {"job": design.pk, "stage": stages[3].pk})) == []


def test_filtering_by_tag_needs_the_whole_tag(recruiter_client, organization, jobs):
    stage = jobs[0].stages.first()
    ApplicationFactory(job=jobs[0], candidate=person(organization, "Ada"), current_stage=stage, tags=["senior", "go"])
    ApplicationFactory(job=jobs[0], candidate=person(organization, "Bob"), current_stage=stage, tags=["golang"])

    assert names(recruiter_client.get(URL, {"tag": "go"})) == ["Ada"]
    assert names(recruiter_client.get(URL, {"tag": "golang"})) == ["Bob"]


def test_filtering_by_source(recruiter_client, organization):
    person(organization, "Ada", source="linkedin")
    person(organization, "Bob", source="referral")

    assert names(recruiter_client.get(URL, {"source": "referral"})) == ["Bob"]


def test_filtering_by_application_date(recruiter_client, organization, jobs):
    stage = jobs[0].stages.first()
    for name, day in (("Early", 1), ("Middle", 10), ("Late", 20)):
        ApplicationFactory(job=jobs[0], candidate=person(organization, name), current_stage=stage, applied_at=at(day))

    response = recruiter_client.get(URL, {"applied_from": "2026-03-05", "applied_to": "2026-03-15"})

    assert names(response) == ["Middle"]
    assert sorted(names(recruiter_client.get(URL, {"applied_from": "2026-03-10"}))) == ["Late", "Middle"]
    assert len(names(recruiter_client.get(URL, {"applied_from": "not-a-date"}))) == 3


def test_sorting(recruiter_client, organization):
    person(organization, "Bob", added=1)
    person(organization, "Cy", added=3)
    person(organization, "Ada", added=2)

    assert names(recruiter_client.get(URL)) == ["Cy", "Ada", "Bob"]
    assert names(recruiter_client.get(URL, {"sort": "oldest"})) == ["Bob", "Ada", "Cy"]
    assert names(recruiter_client.get(URL, {"sort": "name"})) == ["Ada", "Bob", "Cy"]
    assert names(recruiter_client.get(URL, {"sort": "bogus"})) == ["Cy", "Ada", "Bob"]


def test_25_candidates_per_page(recruiter_client, organization):
    for day in range(1, 31):
        person(organization, f"P{day:02d}", added=day)

    first = recruiter_client.get(URL)
    second = recruiter_client.get(URL, {"page": 2})

    assert names(first) == [f"P{day:02d}" for day in range(30, 5, -1)]
    assert names(second) == [f"P{day:02d}" for day in range(5, 0, -1)]
    assert "Page 1 of 2" in first.text
    assert "30 candidates" in first.text


def test_the_htmx_request_gets_only_the_results(recruiter_client, organization):
    person(organization, "Ada")

    response = recruiter_client.get(URL, {"q": "ada"}, headers=HTMX)

    assert response.text.lstrip().startswith('<div id="results">')
    assert names(response) == ["Ada"]


# --- Who sees whom ------------------------------------------------------------------------


def test_another_organisations_candidates_are_not_listed(recruiter_client, organization, other_organization):
    person(organization, "Ada", resume_text="kubernetes")
    person(other_organization, "Zed", resume_text="kubernetes")

    assert names(recruiter_client.get(URL)) == ["Ada"]
    assert names(recruiter_client.get(URL, {"q": "kubernetes"})) == ["Ada"]


def test_a_hiring_manager_lists_only_candidates_of_their_jobs(client_for, organization, jobs):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=jobs[0], user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    ada = person(organization, "Ada")
    for job in jobs:  # one candidate in both of the jobs: listed once
        ApplicationFactory(job=job, candidate=ada, current_stage=job.stages.first())
    bob = person(organization, "Bob")
    ApplicationFactory(job=jobs[1], candidate=bob, current_stage=jobs[1].stages.first())
    person(organization, "Cy")

    assert names(client_for(manager).get(URL)) == ["Ada"]
    assert names(client_for(manager).get(URL, {"q": "bob"})) == []


def test_an_interviewer_sees_no_candidates_yet(client_for, interviewer, job, stages):
    HiringTeamMember.objects.create(job=job, user=interviewer)
    ApplicationFactory(job=job, current_stage=stages[0])

    response = client_for(interviewer).get(URL)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert Application.objects.filter(job=job).count() == 1


def test_signed_out_visitors_are_sent_to_log_in(db):
    response = Client().get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- CSV --------------------------------------------------------------------------------


def rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.getvalue().decode())))  # getvalue() reads a streamed one too


def test_the_csv_export_has_only_the_filtered_rows(recruiter_client, organization, jobs):
    ada = person(organization, "Ada", source="referral", skills=["Go", "SQL"])
    ApplicationFactory(job=jobs[0], candidate=ada, current_stage=jobs[0].stages.first())
    person(organization, "Bob", source="linkedin")

    header, *data = rows(recruiter_client.get(URL, {"source": "referral", "format": "csv"}))

    assert header[:3] == ["First name", "Last name", "Email"]
    assert [(row[0], row[5], row[6], row[7]) for row in data] == [("Ada", "referral", "Go, SQL", "Backend")]


def test_the_csv_export_follows_the_search(recruiter_client, organization):
    person(organization, "Ada", resume_text="kubernetes")
    person(organization, "Bob")

    _, *data = rows(recruiter_client.get(URL, {"q": "kubernetes", "format": "csv"}))

    assert [row[0] for row in data] == ["Ada"]


def test_the_csv_export_defuses_formulas(recruiter_client, organization):
    person(organization, '=HYPERLINK("http://evil.test","x")', last_name="+1", phone="-2", city="@SUM(A1)")

    _, row = rows(recruiter_client.get(URL, {"format": "csv"}))

    assert row[0] == '\'=HYPERLINK("http://evil.test","x")'
    assert (row[1], row[3], row[4]) == ("'+1", "'-2", "'@SUM(A1)")


# --- Cost ----------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_number_of_candidates(recruiter_client, organization, jobs):
    stage = jobs[0].stages.first()

    def add(n):
        for _ in range(n):
            ApplicationFactory(job=jobs[0], candidate=person(organization, "Someone"), current_stage=stage)

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            assert recruiter_client.get(URL, params).status_code == 200
        return len(queries)

    recruiter_client.get(URL)  # warm-up
    add(2)
    few, few_searched = count(), count(q="someone")
    add(20)

    assert (count(), count(q="someone")) == (few, few_searched)
