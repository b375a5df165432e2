"""What a search of the candidate list shows when many match: a bounded list, counted no further.

A search lists at most SEARCH_LIMIT candidates (1,000; 3 here, to keep the tests small) and then says
"3+"; "best match" on PostgreSQL ranks only the newest SEARCH_LIMIT + 1 matches. The CSV export has
every match. See pipeline.candidates.selectors.
"""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.candidates import selectors
from pipeline.models import Candidate
from tests.factories import ApplicationFactory, CandidateFactory, MembershipFactory, OrganizationFactory, make_job

pytestmark = pytest.mark.django_db

URL = "/candidates/"
on_postgresql = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not on_postgresql, reason="PostgreSQL only: SQLite does not rank.")


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 3)
    return 3


def person(organization, first_name, *, added, **fields):
    """A candidate added on 2026-03-<added>, so the order of a tie (newest first) is known."""
    candidate = CandidateFactory(organization=organization, first_name=first_name, **fields)
    Candidate.objects.filter(pk=candidate.pk).update(created_at=datetime(2026, 3, added, 12, tzinfo=UTC))
    return candidate


def names(response):
    assert response.status_code == 200
    assert '<div id="results">' in response.text
    return re.findall(r'class="fw-semibold" href="/candidates/\d+/">(\w+)', response.text)


def found(response):
    """The line above the results: "3 candidates found", "3+ candidates found. ..."."""
    return re.search(r'<p class="small text-secondary" aria-live="polite">([^<]*)</p>', response.text)[1]


def test_a_search_with_more_matches_than_the_limit_lists_the_first_and_says_there_are_more(
    recruiter_client, organization, limit
):
    for day in range(1, 6):
        person(organization, f"P{day}", added=day, resume_text="Kubernetes operator")

    response = recruiter_client.get(URL, {"q": "kubernetes"})

    # Equal ranks on PostgreSQL, no rank on SQLite: newest first either way.
    assert names(response) == ["P5", "P4", "P3"]
    assert found(response) == "3+ candidates found. The list stops at 3: add a word to narrow the search."
    assert response.context["page"].paginator.num_pages == 1


@pytest.mark.parametrize("sort", ["", "newest", "oldest", "name"])
def test_every_sort_of_a_search_stops_at_the_limit(recruiter_client, organization, limit, sort):
    for day in range(1, 6):
        person(organization, f"P{day}", added=day, resume_text="Kubernetes operator")

    response = recruiter_client.get(URL, {"q": "kubernetes", "sort": sort})

    assert len(names(response)) == 3
    assert response.context["page"].paginator.truncated


def test_a_search_with_as_many_matches_as_the_limit_counts_them_exactly(recruiter_client, organization, limit):
    for day in range(1, 4):
        person(organization, f"P{day}", added=day, resume_text="Kubernetes operator")
    person(organization, "Other", added=4, resume_text="Django")

    response = recruiter_client.get(URL, {"q": "kubernetes"})

    assert names(response) == ["P3", "P2", "P1"]
    assert found(response) == "3 candidates found"


def test_the_list_without_a_search_counts_everyone(recruiter_client, organization, limit):
    for day in range(1, 6):
        person(organization, f"P{day}", added=day)

    response = recruiter_client.get(URL)

    assert len(names(response)) == 5
    assert found(response) == "5 candidates"


def test_the_csv_export_of_a_search_has_every_match(recruiter_client, organization, limit):
    for day in range(1, 6):
        person(organization, f"P{day}", added=day, resume_text="Kubernetes operator")

    response = recruiter_client.get(URL, {"q": "kubernetes", "format": "csv"})

    _, *data = csv.reader(io.StringIO(response.getvalue().decode()))
    assert [row[0] for row in data] == ["P5", "P4", "P3", "P2", "P1"]


def test_the_pages_of_a_search_follow_the_order_of_its_export(recruiter_client, organization):
    """Under the limit, the bounded pages and the export (every match ranked) list the same people in one order."""
    for day in range(1, 28):
        # Some with the word in their name, some in their skills, some in their resume: three ranks.
        where = [{"last_name": "Haskell"}, {"skills": ["Haskell"]}, {"resume_text": "Haskell and Go"}][day % 3]
        person(organization, f"P{day:02d}", added=day, **where)
    person(organization, "Nobody", added=28)

    pages = names(recruiter_client.get(URL, {"q": "haskell"})) + names(
        recruiter_client.get(URL, {"q": "haskell", "page": 2})
    )
    _, *exported = csv.reader(
        io.StringIO(recruiter_client.get(URL, {"q": "haskell", "format": "csv"}).getvalue().decode())
    )

    assert len(pages) == 27
    assert pages == [row[0] for row in exported]
    if on_postgresql:  # the name matches first, newest first among them
        assert pages[:3] == ["P27", "P24", "P21"]
    else:
        assert pages[:3] == ["P27", "P26", "P25"]


@postgresql_only
def test_best_match_ranks_only_the_newest_matches(recruiter_client, organization, limit):
    """The price of the bound: an older match that outranks the newest ones is not listed."""
    person(organization, "Old", added=1, last_name="Haskell")
    for day in range(2, 6):
        person(organization, f"P{day}", added=day, resume_text="Some Haskell")
    person(organization, "Named", added=6, last_name="Haskell")

    response = recruiter_client.get(URL, {"q": "haskell"})

    assert names(response) == ["Named", "P5", "P4"]
    assert response.context["page"].paginator.truncated


def test_a_hiring_manager_searches_only_candidates_of_their_jobs(client_for, organization, limit):
    own, other = make_job(organization, title="Backend"), make_job(organization, title="Design")
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=own, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    for day, job in enumerate([own, other, own, other, other], start=1):
        candidate = person(organization, f"P{day}", added=day, resume_text="Kubernetes")
        ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first())

    response = client_for(manager).get(URL, {"q": "kubernetes"})

    assert names(response) == ["P3", "P1"]
    assert found(response) == "2 candidates found"


def test_the_stage_filter_offers_each_jobs_stages_under_its_title(recruiter_client, organization):
    backend = make_job(organization, title="Backend")
    make_job(organization, title="Design")

    response = recruiter_client.get(URL)

    assert response.status_code == 200
    assert re.findall(r'<optgroup label="([^"]*)">', response.text) == ["Backend", "Design"]
    first, second = backend.stages.order_by("order")[:2]
    assert f'<option value="{first.pk}">{first.name}</option>' in response.text
    chosen = recruiter_client.get(URL, {"stage": second.pk})
    assert f'<option value="{second.pk}" selected>{second.name}</option>' in chosen.text


def test_the_stage_filter_escapes_stage_names(recruiter_client, organization):
    job = make_job(organization, title="<i>Backend</i>")
    stage = job.stages.first()
    stage.name = '<b data-hx-get="/x">Screen</b>'
    stage.save()

    response = recruiter_client.get(URL)

    assert response.status_code == 200
    assert '<optgroup label="&lt;i&gt;Backend&lt;/i&gt;">' in response.text
    assert f'<option value="{stage.pk}">&lt;b data-hx-get=&quot;/x&quot;&gt;Screen&lt;/b&gt;</option>' in response.text


@pytest.mark.parametrize("sort", ["", "newest"])
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_a_search_costs_the_same_queries_however_many_match(recruiter_client, organization, limit, sort, headers):
    job = make_job(organization, title="Backend")

    def add(start, n):
        for day in range(start, start + n):
            candidate = person(organization, f"P{day}", added=day, resume_text="Kubernetes")
            ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first(), tags=["senior"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = recruiter_client.get(URL, {"q": "kubernetes", "sort": sort}, headers=headers)
            assert response.status_code == 200
        return len(queries), response

    add(1, 2)
    recruiter_client.get(URL, {"q": "kubernetes"})  # warm-up
    few, under = count()
    add(3, 10)
    many, over = count()

    assert not under.context["page"].paginator.truncated
    assert over.context["page"].paginator.truncated
    assert many == few


def source_choices(response):
    assert response.status_code == 200
    [select] = re.findall(r'<select class="form-select" id="c-source".*?</select>', response.text, re.S)
    return re.findall(r"<option(?: selected)?>([^<]+)</option>", select)


def test_the_source_filter_offers_each_source_once_and_a_hiring_manager_only_those_they_see(
    client_for, recruiter_client, organization
):
    own, other = make_job(organization, title="Backend"), make_job(organization, title="Design")
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=own, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    for day, (source, job) in enumerate(
        [("Referral", own), ("LinkedIn", other), ("", own), ("Referral", other), ("Careers site", own)], start=1
    ):
        candidate = person(organization, f"P{day}", added=day, source=source)
        ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first())
    CandidateFactory(organization=OrganizationFactory(), source="Another organisation's")

    assert source_choices(recruiter_client.get(URL)) == ["Careers site", "LinkedIn", "Referral"]
    assert source_choices(client_for(manager).get(URL)) == ["Careers site", "Referral"]
