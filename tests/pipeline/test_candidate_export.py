"""The candidate list's queries and its CSV export: GET /candidates/?format=csv, streamed."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.models import Candidate
from tests.factories import ApplicationFactory, CandidateFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db

URL = "/candidates/"


@pytest.fixture
def job(organization):
    return make_job(organization, title="Backend")


@pytest.fixture
def client(client_for, recruiter):
    return client_for(recruiter)


def applicant(job, first_name, **fields):
    candidate = CandidateFactory(organization=job.organization, first_name=first_name)
    return ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first(), **fields)


def export(client, **params):
    """(response, rows as read by a spreadsheet): the stream is read whole here."""
    response = client.get(URL, {"format": "csv", **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return response, list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def column(rows, name):
    header, *data = rows
    return [row[header.index(name)] for row in data]


def test_the_export_is_streamed(client, job):
    applicant(job, "Ada")

    response, rows = export(client)

    assert response.streaming is True
    assert rows[0] == ["First name", "Last name", "Email", "Phone", "City", "Source", "Skills", "Jobs", "Tags", "Added"]
    assert column(rows, "First name") == ["Ada"]


def test_the_tags_column_lists_the_tags_of_the_applications_shown(client, organization, job):
    data = make_job(organization, title="Data")
    ada = applicant(job, "Ada", tags=["Café", "remote"])
    ApplicationFactory(job=data, candidate=ada.candidate, current_stage=data.stages.first(), tags=["café", "lead"])
    applicant(job, "Bob")

    _, rows = export(client, sort="name")

    # One tag once, however many applications carry it, in its first spelling.
    assert sorted(column(rows, "Tags")[0].split(", ")) == ["Café", "lead", "remote"]
    assert column(rows, "Tags")[1] == ""


def test_the_export_follows_the_tag_filter(client, job):
    applicant(job, "Ada", tags=["Café"])
    applicant(job, "Bob", tags=["Cafeteria"])

    _, rows = export(client, tag="CAFÉ")

    assert column(rows, "First name") == ["Ada"]


def test_a_hiring_manager_exports_only_the_tags_of_their_own_jobs(client_for, organization, job):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    secret = make_job(organization, title="Secret")
    ada = applicant(job, "Ada", tags=["remote"])
    ApplicationFactory(job=secret, candidate=ada.candidate, current_stage=secret.stages.first(), tags=["poached"])

    _, rows = export(client_for(manager))

    assert (column(rows, "Jobs"), column(rows, "Tags")) == (["Backend"], ["remote"])


def test_the_export_defuses_formulas_in_every_cell_tags_included(client, job):
    applicant(job, '=HYPERLINK("http://evil.test","x")', tags=["=SUM(A1)"])

    _, rows = export(client)

    assert column(rows, "First name") == ['\'=HYPERLINK("http://evil.test","x")']
    assert column(rows, "Tags") == ["'=SUM(A1)"]


def test_the_added_date_is_the_viewers_day(client, recruiter, job):
    recruiter.timezone = "Pacific/Auckland"
    recruiter.save(update_fields=["timezone"])
    ada = applicant(job, "Ada")
    # 11:30 UTC on 1 March is 00:30 on 2 March in Auckland (UTC+13 in summer).
    Candidate.objects.filter(pk=ada.candidate_id).update(created_at=datetime(2026, 3, 1, 11, 30, tzinfo=UTC))

    _, rows = export(client)

    assert column(rows, "Added") == ["2026-03-02"]


# --- Cost ----------------------------------------------------------------------------------


def candidate_selects(queries):
    """The reads of candidate rows (on PostgreSQL, iterator() declares a server-side cursor over it)."""
    pattern = re.compile(r'^(DECLARE .* FOR )?SELECT "pipeline_candidate"\."id"')
    return [q["sql"] for q in queries.captured_queries if pattern.match(q["sql"])]


@pytest.mark.parametrize("params", [{}, {"format": "csv"}])
def test_the_list_and_the_export_leave_the_heavy_columns_in_the_database(client, job, params):
    applicant(job, "Ada", tags=["Café"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert b"Ada" in body
    (select,) = candidate_selects(queries)
    assert not [name for name in Candidate.HEAVY_FIELDS if f'"pipeline_candidate"."{name}"' in select]


def test_the_export_costs_the_same_for_2_and_40_tagged_candidates(client, job):
    def add(n):
        for _ in range(n):
            applicant(job, "Someone", tags=["Café", "remote"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            _, rows = export(client)
        return len(queries), len(rows) - 1

    client.get(URL)  # warm-up: the session row exists
    add(2)
    few, few_rows = count()
    add(38)
    many, many_rows = count()

    assert (few_rows, many_rows) == (2, 40)
    assert many == few
