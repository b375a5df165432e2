"""The careers pages kept whole in the shared cache: never anyone's own, fresh after every change, 304 when unchanged.

These go through the real database cache (tests/settings.py) and the test client; tests/conftest.py empties
the cache before each test.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import Job
from tests.factories import OrganizationFactory, make_job
from tests.jobs.careers import feed_url, index_url, job_url

pytestmark = pytest.mark.django_db


def kept_pages():
    """How many careers pages the shared cache holds (the database cache's rows, read directly)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ats_cache WHERE cache_key LIKE %s", ["%careers:%"])
        return cursor.fetchone()[0]


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)  # read now: the next request empties the log


# --- Nobody's own state in a shared page ---------------------------------------------------------


@pytest.fixture
def pending_message(recruiter_client):
    """The recruiter's client with "Profile saved." waiting to be shown on their next app page."""
    response = recruiter_client.post("/account/profile/", {"name": "Rita Recruiter", "timezone": ""})
    assert response.status_code == 302
    return recruiter_client


@pytest.mark.parametrize("page", ["index", "job"])
def test_a_cached_page_shows_no_pending_message_and_no_csrf_token(client, pending_message, job, page):
    url = index_url(job.organization) if page == "index" else job_url(job)

    warming = pending_message.get(url)  # the recruiter, with a message waiting: renders and keeps the page
    from_cache = pending_message.get(url)
    visitor = client.get(url)  # someone else, from the same cached copy

    assert kept_pages() == 1
    for response in (warming, from_cache, visitor):
        assert response.status_code == 200
        assert job.title in response.text
        assert "Profile saved." not in response.text
        assert "csrfmiddlewaretoken" not in response.text
        assert "X-CSRFToken" not in response.text
        assert "csrftoken" not in response.cookies
        assert "Rita Recruiter" not in response.text  # nor who is signed in
    assert from_cache.content == visitor.content


def test_a_careers_page_leaves_the_pending_message_for_the_next_app_page(pending_message, job):
    assert pending_message.get(job_url(job)).status_code == 200
    assert pending_message.get(index_url(job.organization)).status_code == 200

    response = pending_message.get("/account/profile/")

    assert response.status_code == 200
    assert "Profile saved." in response.text


def test_the_brand_colour_comes_from_a_stylesheet_not_a_nonce(client, organization, job):
    organization.brand_colour = "#aa3300"
    organization.save()

    page = client.get(job_url(job))
    stylesheet = client.get(f"/careers/{organization.slug}/-/brand.css")

    assert page.status_code == 200
    assert "<style" not in page.text
    assert "nonce" not in page.text
    assert "nonce-" not in page["Content-Security-Policy"]
    assert f'href="/careers/{organization.slug}/-/brand.css?v=' in page.text
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"] == "text/css; charset=utf-8"
    assert stylesheet.text == ":root { --brand: #aa3300; --brand-text: #ffffff; }\n"
    assert "max-age=31536000" in stylesheet["Cache-Control"]


def test_a_new_brand_colour_gives_the_stylesheet_a_new_address(client, organization, job):
    def stylesheet_link():
        text = client.get(job_url(job)).text
        return text.split('href="/careers/', 2)[1].split('"', 1)[0] if "brand.css" in text else None

    before = stylesheet_link()
    organization.brand_colour = "#123456"
    organization.save()

    assert "brand.css?v=" in before
    assert stylesheet_link() != before
    assert "#123456" in client.get(f"/careers/{organization.slug}/-/brand.css").text


def test_a_brand_colour_of_another_shape_never_reaches_the_stylesheet(client, organization):
    organization.brand_colour = "red;}"  # saved without the form's validation
    organization.save()

    stylesheet = client.get(f"/careers/{organization.slug}/-/brand.css")

    assert stylesheet.status_code == 200
    assert stylesheet.text == ":root { --brand: #1f6feb; --brand-text: #ffffff; }\n"


def test_the_source_reaches_the_apply_link_but_not_the_cache(client, job):
    with_source = client.get(f"{job_url(job)}?source=linkedin")

    assert with_source.status_code == 200
    assert f'href="{job_url(job)}apply/?source=linkedin"' in with_source.text
    assert kept_pages() == 0

    plain = client.get(job_url(job))

    assert plain.status_code == 200
    assert f'href="{job_url(job)}apply/"' in plain.text
    assert "linkedin" not in plain.text
    assert kept_pages() == 1


def test_the_query_string_never_reaches_the_cached_page(client, job):
    response = client.get(f"{job_url(job)}?fbclid=tracking-id-123")
    again = client.get(job_url(job))

    assert response.status_code == 200
    assert "tracking-id-123" not in response.text
    assert f'<meta property="og:url" content="http://testserver{job_url(job)}">' in response.text
    assert again.content == response.content


def test_a_page_cached_for_one_host_does_not_give_another_its_addresses(client, job):
    client.get(job_url(job))

    response = client.get(job_url(job), HTTP_HOST="localhost")

    assert response.status_code == 200
    assert f'content="http://localhost{job_url(job)}"' in response.text
    assert "testserver" not in response.text


# --- Fresh after every change ---------------------------------------------------------------------

# 23:00 and 01:00 in New York on either side of midnight, both on 11 March in UTC.
EVENING_OF_THE_DEADLINE = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)


def test_a_job_page_says_closed_the_day_after_its_deadline_in_the_organisations_zone(client, organization):
    organization.timezone = "America/New_York"
    organization.save()
    with time_machine.travel(EVENING_OF_THE_DEADLINE, tick=False):
        job = make_job(organization, deadline=date(2026, 3, 10))
        first = client.get(job_url(job))
        cached = client.get(job_url(job))
    with time_machine.travel(NEXT_MORNING, tick=False):
        next_day = client.get(job_url(job))

    assert first.status_code == cached.status_code == next_day.status_code == 200
    assert "Apply for this job" in cached.text
    assert "Applications closed" in next_day.text
    assert "This position is no longer taking applications." in next_day.text


def _form_data(form):
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif value is not None and value is not False:  # 0 (an order) is a value
            data[form.add_prefix(name)] = value
    return data


def _admin_change_data(response):
    """What the admin change form posts back when nothing is edited: its fields and its inlines' forms."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {f"{management.prefix}-{key}": value for key, value in management.initial.items()}
        for form in inline.formset.initial_forms:  # the rows already there (a job's scorecard attributes)
            data |= _form_data(form)
    return data


def test_an_edit_in_django_admin_shows_on_the_next_request(client, superuser_client, job):
    assert "Backend Engineer" in client.get(job_url(job)).text  # now cached
    change_url = f"/admin/jobs/job/{job.pk}/change/"
    data = _admin_change_data(superuser_client.get(change_url))

    saved = superuser_client.post(change_url, data | {"title": "Staff Backend Engineer"})
    response = client.get(job_url(job))

    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    assert response.status_code == 200
    assert "Staff Backend Engineer" in response.text
    assert "Staff Backend Engineer" in client.get(index_url(job.organization)).text


def test_an_organisation_edit_shows_on_its_job_pages(client, organization, job):
    client.get(job_url(job))
    organization.name = "Acme Renamed"
    organization.save()

    assert "Acme Renamed" in client.get(job_url(job)).text


def test_the_index_drops_a_job_that_closes_after_it_was_cached(client, organization):
    make_job(organization, title="Older Role")
    make_job(organization, title="Newer Role")  # the open jobs' latest change, before and after
    assert "Older Role" in client.get(index_url(organization)).text

    Job.objects.get(title="Older Role").set_status(Job.Status.CLOSED)
    response = client.get(index_url(organization))

    assert response.status_code == 200
    assert "Older Role" not in response.text
    assert "Newer Role" in response.text


def test_the_index_and_feed_drop_a_deleted_job(client, organization):
    make_job(organization, title="Older Role")
    make_job(organization, title="Newer Role")
    assert "Older Role" in client.get(index_url(organization)).text
    assert "Older Role" in client.get(feed_url(organization)).text

    Job.objects.get(title="Older Role").delete()

    assert "Older Role" not in client.get(index_url(organization)).text
    assert "Older Role" not in client.get(feed_url(organization)).text


def test_a_filtered_index_is_not_kept(client, organization, job):
    filtered = client.get(f"{index_url(organization)}?q=backend")

    assert filtered.status_code == 200
    assert job.title in filtered.text
    assert kept_pages() == 0

    assert client.get(index_url(organization)).status_code == 200
    assert kept_pages() == 1  # the unfiltered index is


def test_the_feed_is_kept_and_still_an_rss_feed(client, organization, job):
    first = client.get(feed_url(organization))
    cached = client.get(feed_url(organization))

    assert kept_pages() == 1
    assert cached.status_code == 200
    assert cached["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert cached.content == first.content
    assert f"<title>{job.title}</title>" in cached.text


# --- Conditional GETs ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["index", "job", "feed"])
def test_a_conditional_get_with_the_etag_is_not_modified(client, job, page):
    org = job.organization
    url = {"index": index_url(org), "job": job_url(job), "feed": feed_url(org)}[page]
    first = client.get(url)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert "no-cache" in first["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert since.status_code == 304


def test_an_edit_changes_the_etag(client, job):
    etag = client.get(job_url(job))["ETag"]
    job.title = "Renamed"
    job.save()

    response = client.get(job_url(job), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Renamed" in response.text


def test_the_next_day_changes_the_etag_and_last_modified(client, db):
    with time_machine.travel(EVENING_OF_THE_DEADLINE, tick=False):
        job = make_job(OrganizationFactory(), title="Dated Role")
        first = client.get(job_url(job))
    with time_machine.travel(datetime(2026, 3, 12, 3, 0, tzinfo=UTC), tick=False):
        by_etag = client.get(job_url(job), HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(job_url(job), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 200
    assert by_date.status_code == 200


# --- What a page costs -----------------------------------------------------------------------------


def test_a_cached_job_page_costs_one_query_here_and_two_in_another_process(client, job):
    _, miss = queries_for(client, job_url(job))
    hit_response, hit = queries_for(client, job_url(job))
    caches["local"].clear()  # as another gunicorn worker would find it: only the shared cache has the page
    elsewhere_response, elsewhere = queries_for(client, job_url(job))
    not_modified, conditional = queries_for(client, job_url(job), HTTP_IF_NONE_MATCH=hit_response["ETag"])

    assert hit_response.status_code == elsewhere_response.status_code == 200
    assert elsewhere_response.content == hit_response.content
    assert not_modified.status_code == 304
    # The job with its organisation (one join: the key's updated_at both); this process's copy costs nothing.
    assert hit == 1
    assert elsewhere == 2  # then the shared cache's read
    assert conditional == 1  # the ETag is known from the first query alone
    assert miss > elsewhere


def test_a_cached_index_costs_one_query_however_many_jobs(client, organization):
    for _ in range(3):
        make_job(organization)
    client.get(index_url(organization))
    _, few = queries_for(client, index_url(organization))
    for _ in range(10):
        make_job(organization)
    client.get(index_url(organization))
    _, many = queries_for(client, index_url(organization))

    # The organisation with its jobs' latest change and count (one aggregate); the page is this process's copy.
    assert few == many == 1


def test_link_checkers_may_ask_for_a_careers_page_with_head(client, job):
    response = client.head(job_url(job))

    assert response.status_code == 200
    assert response["ETag"] == client.get(job_url(job))["ETag"]
    assert client.post(job_url(job)).status_code == 405
