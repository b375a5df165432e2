"""No GET creates or changes domain rows: every statement a page's GET runs is a read, except on the tables below.

Pages used to fill in what an organisation lacked on first view (default stages, rejection reasons, email
templates); those are now made when the organisation or job is created, and this test keeps it that way.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from mail.models import EmailEvent, EmailMessage
from pipeline.applications.services import open_application
from tests.factories import CandidateFactory, MembershipFactory, OrganizationFactory, make_job

pytestmark = pytest.mark.django_db

# The only tables a GET may write to. The database cache's table (ats_cache, the site's cache without Redis)
# is written on a GET by the public careers pages only, which keep themselves there (jobs.careers); rate
# limits count on POSTs.
ALLOWED_WRITES = {
    "every page": {"django_session"},
    "careers pages": {"django_session", "ats_cache"},
    # The recipient's mail client calls these: the open pixel and the click redirect record what happened.
    "mail tracking": {"django_session", "mail_emailmessage", "mail_emailevent"},
}

# The first keyword of a statement that writes, and the table it writes to. "INSERT OR REPLACE/IGNORE" and
# "REPLACE INTO" are SQLite's; a writing CTE ("WITH ... INSERT") is caught by the search below too.
_WRITE = re.compile(
    r"""\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?["`]?(\w+)""",
    re.IGNORECASE,
)
_STATEMENT_START = re.compile(r"^\s*(\w+)", re.IGNORECASE)


def written_tables(sql):
    """The tables `sql` writes to: empty for a read (SELECT, SAVEPOINT, RELEASE...)."""
    first = _STATEMENT_START.match(sql)
    keyword = first.group(1).upper() if first else ""
    if keyword in {"INSERT", "REPLACE", "UPDATE", "DELETE"}:
        match = _WRITE.match(sql.lstrip())
        return {match.group(1).lower()} if match else {f"<unparsed: {sql[:80]}>"}
    if keyword == "WITH":
        # Only a writing CTE names a table after INSERT INTO / UPDATE / DELETE FROM; skip SELECT ... FOR UPDATE.
        return {m.group(1).lower() for m in _WRITE.finditer(sql) if m.group(1).upper() not in {"OF", "NOWAIT", "SKIP"}}
    return set()


def get(client, path):
    """GET `path`; return the response and the statements that wrote, as (table, sql)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Read the log now: the next request's request_started signal empties it.
    statements = [query["sql"] for query in captured.captured_queries]
    # Every page reads something (the session at least): an empty log means the capture missed the request.
    assert statements, path
    return response, [(table, sql) for sql in statements for table in written_tables(sql)]


def test_the_statement_reader_spots_every_kind_of_write():
    assert written_tables('INSERT INTO "jobs_stage" ("name") VALUES (%s)') == {"jobs_stage"}
    assert written_tables('INSERT OR IGNORE INTO "x_y" ("a") VALUES (1)') == {"x_y"}
    assert written_tables('REPLACE INTO "x_y" ("a") VALUES (1)') == {"x_y"}
    assert written_tables('  UPDATE "jobs_job" SET "title" = %s') == {"jobs_job"}
    assert written_tables('DELETE FROM "django_session" WHERE 1') == {"django_session"}
    assert written_tables('WITH t AS (DELETE FROM "a_b" RETURNING 1) SELECT 1') == {"a_b"}
    assert written_tables('SELECT "updated_at" FROM "jobs_job" WHERE "status" = \'update x\' FOR UPDATE') == set()
    assert written_tables('SAVEPOINT "s1"') == set()


# --- The recruiter's pages and the public site -----------------------------------------------


@pytest.fixture
def fresh():
    """A new organisation as the site makes one, with an open job that has a few applications."""
    organization = OrganizationFactory(name="Fresh Ltd")
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    job = make_job(organization, title="Data Engineer", created_by=owner)
    applications = [
        open_application(job=job, candidate=CandidateFactory(organization=organization), applied=True) for _ in range(3)
    ]
    return {"organization": organization, "owner": owner, "job": job, "candidate": applications[0].candidate}


def owner_pages(fresh):
    job, candidate = fresh["job"], fresh["candidate"]
    template = fresh["organization"].email_templates.first()
    stage_template = fresh["organization"].stage_templates.get(is_default=True)
    return [
        "/",
        "/jobs/",
        f"/jobs/{job.pk}/",
        f"/jobs/{job.pk}/board/",
        f"/jobs/{job.pk}/workflow/",
        "/workflows/",
        "/candidates/",
        f"/candidates/{candidate.pk}/",
        "/mail/templates/",
        # Beyond the acceptance list: the other pages a recruiter opens every day.
        f"/jobs/{job.pk}/applications/",
        f"/jobs/{job.pk}/form/",
        f"/jobs/{job.pk}/edit/",
        f"/workflows/{stage_template.pk}/",
        f"/mail/templates/{template.pk}/",
        "/mail/outbox/",
        "/organization/members/",
    ]


def public_pages(fresh):
    slug, job_slug = fresh["organization"].slug, fresh["job"].slug
    return [f"/careers/{slug}/", f"/careers/{slug}/{job_slug}/", f"/careers/{slug}/{job_slug}/apply/"]


def test_the_owners_pages_write_nothing(client_for, fresh):
    client = client_for(fresh["owner"])

    for path in owner_pages(fresh) + public_pages(fresh):
        response, writes = get(client, path)

        allowed = ALLOWED_WRITES["careers pages" if path.startswith("/careers/") else "every page"]
        assert response.status_code == 200, path
        assert [(table, sql) for table, sql in writes if table not in allowed] == [], path


def test_the_careers_pages_write_nothing_for_a_visitor(fresh):
    client = Client()
    allowed = ALLOWED_WRITES["careers pages"]

    for path in public_pages(fresh):
        response, writes = get(client, path)

        assert response.status_code == 200, path
        assert [(table, sql) for table, sql in writes if table not in allowed] == [], path


def test_a_second_look_writes_nothing_either(client_for, fresh):
    # The first view of a page is where "create it if it is missing" used to hide; the second must match it.
    client = client_for(fresh["owner"])
    for path in owner_pages(fresh):
        assert client.get(path).status_code == 200, path

    for path in owner_pages(fresh):
        response, writes = get(client, path)

        assert response.status_code == 200, path
        assert [table for table, _ in writes if table not in ALLOWED_WRITES["every page"]] == [], path


# --- The mail tracking endpoints: they write, to their own tables only ---------------------------


@pytest.fixture
def sent_message(fresh):
    return EmailMessage.objects.create(
        organization=fresh["organization"],
        to=["ada@example.com"],
        from_email="jobs@example.com",
        subject="Hello",
        html_body='<p><a href="https://example.com/next">Next</a></p>',
        links=["https://example.com/next"],
        status=EmailMessage.Status.SENT,
        sent_at=timezone.now(),
    )


def test_the_open_pixel_writes_only_to_the_mail_tables(sent_message):
    response, writes = get(Client(), f"/mail/o/{sent_message.tracking_token}.gif")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert writes  # it does record the open
    assert {table for table, _ in writes} <= ALLOWED_WRITES["mail tracking"]
    sent_message.refresh_from_db()
    assert sent_message.opened_at is not None
    assert list(sent_message.events.values_list("kind", flat=True)) == [EmailEvent.Kind.OPENED]


def test_the_click_redirect_writes_only_to_the_mail_tables(sent_message):
    response, writes = get(Client(), f"/mail/c/{sent_message.tracking_token}/0/")

    assert response.status_code == 302
    assert response["Location"] == "https://example.com/next"
    assert writes
    assert {table for table, _ in writes} <= ALLOWED_WRITES["mail tracking"]
    sent_message.refresh_from_db()
    assert sent_message.clicked_at is not None and sent_message.opened_at is not None
    assert list(sent_message.events.values_list("kind", "url")) == [
        (EmailEvent.Kind.CLICKED, "https://example.com/next")
    ]


def test_an_unknown_token_writes_nothing(sent_message):
    events = EmailEvent.objects.count()  # the fixture's applications queued their acknowledgements

    pixel, pixel_writes = get(Client(), "/mail/o/not-a-token.gif")
    click, click_writes = get(Client(), "/mail/c/not-a-token/0/")

    assert (pixel.status_code, click.status_code) == (200, 404)
    assert pixel_writes == [] and click_writes == []
    assert EmailEvent.objects.count() == events
    assert not sent_message.events.exists()
