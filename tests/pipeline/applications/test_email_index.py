"""Applying finds the candidate by email through the unique (organization, email) index, on PostgreSQL.

The lookup runs under FOR UPDATE on every application; as a sequential scan it would read (and
wait behind) every candidate of every organisation. Emails are stored lower-cased, so the plain
unique index serves it: `SET LOCAL enable_seqscan = off` makes the planner show whether it can.
"""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pipeline.applications.services import find_or_create_candidate, submit_application
from pipeline.candidates.models import Candidate, normalise_email
from tests.factories import CandidateFactory, OrganizationFactory, make_job, pdf_upload

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: the plan asserted is PostgreSQL's EXPLAIN."
    ),
]

INDEX = "unique_candidate_email_per_org"


@pytest.fixture
def organization(organization):
    organization.privacy_policy_url = "https://acme.example/privacy"
    organization.save()
    # Candidates here and in another organisation, so the index has something to choose among.
    CandidateFactory.create_batch(30, organization=organization)
    CandidateFactory.create_batch(30, organization=OrganizationFactory(name="Globex"))
    CandidateFactory(organization=organization, email="ada@example.com")
    return organization


def _plan(sql, params=()):
    """PostgreSQL's plan for `sql` with sequential scans priced out, as one text."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics as autovacuum keeps them on a live site; a never-analysed table makes every index
        # look alike to the planner (it would pick any index that leads with the organisation).
        cursor.execute("ANALYZE pipeline_candidate")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _locks_candidates(sql):
    return 'FROM "pipeline_candidate"' in sql and "FOR UPDATE" in sql


def _uses_the_email_index(plan):
    """The unique index looked up (an Index Scan, Index Only Scan, or a Bitmap Index Scan, which PostgreSQL
    picks by its statistics of the moment), and no sequential scan anywhere."""
    index_scan = rf"\bIndex (?:Only )?Scan using {INDEX} on pipeline_candidate\b"
    bitmap_scan = rf"\bBitmap Index Scan on {INDEX}\b"
    return bool(re.search(index_scan, plan) or re.search(bitmap_scan, plan)) and "Seq Scan" not in plan


def test_the_lookup_written_in_the_service_uses_the_email_index(organization):
    queryset = Candidate.objects.select_for_update().filter(
        organization=organization, email=normalise_email(" Ada@Example.COM ")
    )
    sql, params = queryset.query.sql_with_params()

    plan = _plan(sql, params)

    assert "FOR UPDATE" in sql
    assert _uses_the_email_index(plan), plan


def test_a_case_insensitive_lookup_would_fail_the_check(organization):
    """The check is not vacuous: `email__iexact` (before emails were stored lower-cased) can't use the index."""
    queryset = Candidate.objects.select_for_update().filter(organization=organization, email__iexact="Ada@Example.com")

    plan = _plan(*queryset.query.sql_with_params())

    assert not _uses_the_email_index(plan), plan


def test_the_query_apply_really_runs_uses_the_email_index(organization):
    """The SQL captured from a real application, so a change in the service can't slip past."""
    job = make_job(organization, title="Backend Developer")
    values = {"first_name": "Ada", "last_name": "Lovelace", "email": "ADA@example.com"}

    with CaptureQueriesContext(connection) as queries:
        application = submit_application(job=job, values=values, files={"resume": pdf_upload()})

    assert application.candidate.email == "ada@example.com"  # the existing candidate was found
    lookups = [q["sql"] for q in queries.captured_queries if _locks_candidates(q["sql"])]
    assert len(lookups) == 1, lookups
    plan = _plan(lookups[0])
    assert _uses_the_email_index(plan), plan


def test_find_or_create_candidate_locks_the_one_row(organization):
    """The same lookup, called directly: it finds the row whatever the casing, and creates no second one."""
    with transaction.atomic():
        candidate, created = find_or_create_candidate(organization, "Ada@Example.com", {})

    assert created is False
    assert candidate.email == "ada@example.com"
    assert Candidate.objects.filter(organization=organization, email="ada@example.com").count() == 1
