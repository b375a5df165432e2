"""Time zones: dates shown in the viewer's zone, days cut in the organisation's.

The organisation is in Pacific/Auckland (UTC+13 in December, +12 in July: far from UTC and
with DST), the main viewer in America/Los_Angeles (UTC-8 in December), so a moment near
midnight falls on a different day in each. Nothing reads the real clock: "now" is patched
to explicit moments, and every stored moment is written out in UTC with its local reading.
"""

import html
import json
import re
from datetime import UTC, date, datetime
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from mail.models import EmailMessage
from pipeline.models import Candidate
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    InvitationFactory,
    MembershipFactory,
    make_job,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def frozen(moment):
    """`timezone.now()` answers `moment` inside the block (model defaults keep the real clock)."""
    return patch("django.utils.timezone.now", return_value=moment)


def signed_in(user):
    """A client logged in now: inside `frozen`, the session's expiry is judged by the same clock."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organization(organization):
    organization.timezone = AUCKLAND
    organization.save(update_fields=["timezone"])
    return organization


@pytest.fixture
def angeleno(organization):
    """A recruiter who set their own zone."""
    user = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
    user.timezone = LOS_ANGELES
    user.save(update_fields=["timezone"])
    return user


@pytest.fixture
def kiwi(organization):
    """A recruiter with no zone of their own: they read the organisation's."""
    return MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user


@pytest.fixture
def job(organization):
    return make_job(organization, title="Sheep Shearer")


def applied(job, first_name, moment):
    candidate = CandidateFactory(organization=job.organization, first_name=first_name)
    return ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first(), applied_at=moment)


def listed_names(response):
    assert response.status_code == 200
    return sorted(re.findall(r'class="fw-semibold" href="/candidates/\d+/">(\w+)', response.text))


# --- Shown in the viewer's zone ------------------------------------------------------

# 2026-12-01 11:30 UTC is 1 Dec 03:30 in Los Angeles and 2 Dec 00:30 in Auckland.
MOMENT = utc(2026, 12, 1, 11, 30)


def test_a_user_sees_dates_in_their_own_zone(client_for, angeleno, job):
    application = applied(job, "Ada", MOMENT)
    Candidate.objects.filter(pk=application.candidate_id).update(created_at=MOMENT)
    client = client_for(angeleno)

    page = client.get(f"/candidates/{application.candidate_id}/")
    listing = client.get("/candidates/")

    assert page.status_code == 200
    assert 'Applied <time datetime="2026-12-01">1 Dec 2026</time>' in page.text
    assert '<time datetime="2026-12-01T03:30:00-0800">1 Dec 2026, 03:30</time>' in page.text
    assert listing.status_code == 200
    assert '<td class="small d-none d-lg-table-cell text-nowrap">1 Dec 2026</td>' in listing.text


def test_a_user_without_a_zone_sees_the_organisations(client_for, kiwi, job):
    application = applied(job, "Ada", MOMENT)

    page = client_for(kiwi).get(f"/candidates/{application.candidate_id}/")

    assert page.status_code == 200
    assert 'Applied <time datetime="2026-12-02">2 Dec 2026</time>' in page.text
    assert '<time datetime="2026-12-02T00:30:00+1300">2 Dec 2026, 00:30</time>' in page.text


def test_a_signed_out_visitor_reads_an_expired_invitation_in_the_organisations_zone(organization):
    # 2020-11-30 11:30 UTC is already 1 December in Auckland.
    invitation = InvitationFactory(organization=organization, expires_at=utc(2020, 11, 30, 11, 30))

    response = Client().get(invitation.get_absolute_url())

    assert response.status_code == 410
    assert "It expired 1 Dec 2020." in response.text


def test_the_job_postings_dates_are_the_organisations(client, job):
    job.published_at = utc(2026, 11, 30, 11, 30)  # 1 Dec 00:30 in Auckland
    job.deadline = date(2026, 12, 24)
    job.save(update_fields=["published_at", "deadline"])

    response = client.get(f"/careers/{job.organization.slug}/{job.slug}/")

    assert response.status_code == 200
    posting = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text).group(1))
    assert posting["datePosted"] == "2026-12-01"
    # Applications close when 24 Dec ends in Auckland.
    assert posting["validThrough"] == "2026-12-25T00:00:00+13:00"


# --- Deadlines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "last_moment", "too_late"),
    [
        # December, NZDT (UTC+13): the Auckland day ends at 11:00 UTC, while UTC is still on it.
        (date(2026, 12, 1), utc(2026, 12, 1, 10, 59, 59), utc(2026, 12, 1, 11)),
        # July, NZST (UTC+12): an hour later in UTC.
        (date(2026, 7, 1), utc(2026, 7, 1, 11, 59, 59), utc(2026, 7, 1, 12)),
    ],
)
def test_a_deadline_is_a_day_in_the_organisations_zone(client, organization, deadline, last_moment, too_late):
    job = make_job(organization, deadline=deadline)
    job_page = f"/careers/{organization.slug}/{job.slug}/"
    apply_page = f"{job_page}apply/"

    with frozen(last_moment):
        assert job.accepts_applications
        open_page, open_apply = client.get(job_page), client.get(apply_page)
    with frozen(too_late):
        # Still the deadline day in UTC (and in any zone west of it), but no longer in Auckland.
        assert too_late.date() == deadline
        assert not job.accepts_applications
        closed_page, closed_apply = client.get(job_page), client.get(apply_page)

    assert open_page.status_code == 200 and "Apply for this job" in open_page.text
    assert open_apply.status_code == 200
    assert closed_page.status_code == 200 and "Applications closed" in closed_page.text
    assert (closed_apply.status_code, closed_apply.url) == (302, job_page)


def test_the_deadline_day_in_auckland_takes_applications_while_utc_is_still_on_the_day_before(client, organization):
    job = make_job(organization, deadline=date(2026, 12, 1))
    morning_in_auckland = utc(2026, 11, 30, 20)  # 1 Dec 09:00 NZDT

    with frozen(morning_in_auckland):
        response = client.post(f"/careers/{organization.slug}/{job.slug}/apply/", application_data())

    assert response.status_code == 302
    assert response.url.endswith("/apply/thanks/")
    assert job.applications.count() == 1


# --- Retention ---------------------------------------------------------------------------


def application_data():
    return {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "resume": pdf_upload(),
            "consent": "on"}  # fmt: skip


def test_the_retention_date_is_counted_from_the_organisations_day(client, organization, job):
    organization.data_retention_days = 30
    organization.save(update_fields=["data_retention_days"])
    apply_page = f"/careers/{organization.slug}/{job.slug}/apply/"
    moment = utc(2026, 11, 30, 20)  # 30 Nov in UTC, already 1 Dec 09:00 in Auckland

    with frozen(moment):
        page = client.get(apply_page)
        response = client.post(apply_page, application_data())

    assert page.status_code == 200
    assert "We keep your data until 31 Dec 2026" in page.text
    assert response.status_code == 302
    candidate = Candidate.objects.get(email="jane@example.com")
    assert candidate.retain_until == date(2026, 12, 31)
    assert candidate.consent_given_at == moment


# --- Filters cut whole Auckland days -------------------------------------------------------


def test_the_candidate_lists_applied_dates_are_auckland_days(client_for, angeleno, job):
    applied(job, "Before", utc(2026, 11, 30, 10, 30))  # 30 Nov 23:30 NZDT
    applied(job, "Early", utc(2026, 11, 30, 11, 30))  # 1 Dec 00:30 NZDT (30 Nov in UTC)
    applied(job, "Late", utc(2026, 12, 1, 10, 30))  # 1 Dec 23:30 NZDT
    applied(job, "Next", utc(2026, 12, 1, 11, 30))  # 2 Dec 00:30 NZDT (1 Dec in UTC)
    client = client_for(angeleno)  # the viewer's own zone (Los Angeles) changes nothing here

    with CaptureQueriesContext(connection) as queries:
        one_day = client.get("/candidates/", {"applied_from": "2026-12-01", "applied_to": "2026-12-01"})
    from_day = client.get("/candidates/", {"applied_from": "2026-12-01"})
    to_day = client.get("/candidates/", {"applied_to": "2026-11-30"})

    assert listed_names(one_day) == ["Early", "Late"]
    assert listed_names(from_day) == ["Early", "Late", "Next"]
    assert listed_names(to_day) == ["Before"]
    # Aware bounds on the column itself: no per-row conversion of applied_at to a date.
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "django_datetime_cast_date" not in sql and "AT TIME ZONE" not in sql


def test_out_of_range_days_are_ignored_not_an_error(client_for, angeleno, job):
    applied(job, "Ada", MOMENT)

    response = client_for(angeleno).get("/candidates/", {"applied_from": "0001-01-01", "applied_to": "9999-12-31"})

    assert listed_names(response) == ["Ada"]


def message(organization, subject, created_at):
    return EmailMessage.objects.create(
        organization=organization, to=["ada@example.com"], from_email="noreply@example.com", subject=subject,
        text_body="Hello", status=EmailMessage.Status.SENT, created_at=created_at, sent_at=created_at,
    )  # fmt: skip


def test_the_outbox_since_filter_starts_at_the_auckland_midnight(client_for, angeleno, organization):
    message(organization, "Before midnight", utc(2026, 11, 30, 10, 30))  # 30 Nov 23:30 NZDT
    message(organization, "After midnight", utc(2026, 11, 30, 11, 30))  # 1 Dec 00:30 NZDT

    response = client_for(angeleno).get("/mail/outbox/", {"since": "2026-12-01"})

    assert response.status_code == 200
    assert "After midnight" in response.text
    assert "Before midnight" not in response.text


def test_the_mail_analytics_count_auckland_days(angeleno, organization):
    message(organization, "Last thing on 1 Dec", utc(2026, 12, 1, 10, 30))  # 1 Dec 23:30 NZDT
    message(organization, "First thing on 2 Dec", utc(2026, 12, 1, 11, 30))  # 2 Dec 00:30 NZDT
    # The 30 days end on 2 Dec in Auckland, so they start on 3 Nov at 00:00 NZDT (2 Nov 11:00 UTC).
    message(organization, "First day of the window", utc(2026, 11, 2, 11, 30))  # 3 Nov 00:30 NZDT
    message(organization, "Before the window", utc(2026, 11, 2, 10, 30))  # 2 Nov 23:30 NZDT

    with frozen(utc(2026, 12, 2, 1)):  # 2 Dec 14:00 NZDT
        response = signed_in(angeleno).get("/mail/analytics/")

    assert response.status_code == 200
    per_day = {row["day"]: row["total"] for row in response.context["per_day"]}
    assert (min(per_day), max(per_day)) == (date(2026, 11, 3), date(2026, 12, 2))
    assert per_day[date(2026, 12, 1)] == 1
    assert per_day[date(2026, 12, 2)] == 1
    assert per_day[date(2026, 11, 3)] == 1
    assert sum(per_day.values()) == 3
    assert "<title>1 Dec: 1 queued, 0 opened</title>" in response.text


# --- Choosing zones ---------------------------------------------------------------------------

PROFILE = "/account/profile/"


def test_the_user_menu_links_to_the_profile(client_for, kiwi):
    response = client_for(kiwi).get("/")

    assert response.status_code == 200
    assert f'href="{PROFILE}"' in response.text


def test_the_profile_page_offers_the_organisations_zone_as_the_default(client_for, kiwi):
    response = client_for(kiwi).get(PROFILE)

    assert response.status_code == 200
    assert '<option value="" selected>Use the organisation&#x27;s (Pacific/Auckland)</option>' in response.text
    assert '<option value="America/Los_Angeles">America/Los Angeles</option>' in response.text


def test_the_profile_page_saves_a_name_and_a_zone(client_for, kiwi):
    client = client_for(kiwi)

    response = client.post(PROFILE, {"name": "Kiri Tane", "timezone": LOS_ANGELES})

    assert (response.status_code, response.url) == (302, PROFILE)
    kiwi.refresh_from_db()
    assert (kiwi.name, kiwi.timezone) == ("Kiri Tane", LOS_ANGELES)
    assert "Profile saved." in client.get(PROFILE).text


def test_a_blank_zone_goes_back_to_the_organisations(client_for, angeleno):
    response = client_for(angeleno).post(PROFILE, {"name": "Ana", "timezone": ""})

    assert response.status_code == 302
    angeleno.refresh_from_db()
    assert angeleno.timezone == ""


def test_the_profile_page_rejects_an_unknown_zone(client_for, kiwi):
    before = kiwi.name

    response = client_for(kiwi).post(PROFILE, {"name": "Changed", "timezone": "Mars/Olympus_Mons"})

    assert response.status_code == 400
    assert "“Mars/Olympus_Mons” is not a time zone we know." in html.unescape(response.text)
    kiwi.refresh_from_db()
    assert (kiwi.name, kiwi.timezone) == (before, "")


def test_the_organisation_settings_page_rejects_an_unknown_zone(client_for, organization):
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    data = {"name": organization.name, "slug": organization.slug, "brand_colour": "#123456",
            "data_retention_days": "365", "timezone": "Mars/Olympus_Mons"}  # fmt: skip

    page = client_for(owner).get("/organization/")
    response = client_for(owner).post("/organization/", data)

    assert page.status_code == 200
    assert '<option value="Pacific/Auckland" selected>Pacific/Auckland</option>' in page.text
    assert response.status_code == 200
    assert "“Mars/Olympus_Mons” is not a time zone we know." in html.unescape(response.text)
    organization.refresh_from_db()
    assert organization.timezone == AUCKLAND
