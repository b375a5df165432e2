"""The public careers site: /careers/<org>/, its job pages and its RSS feed."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import Job
from tests.factories import make_job
from tests.jobs.careers import index_url, job_url

pytestmark = pytest.mark.django_db


def listed_titles(response):
    return re.findall(r'<h2 class="h5 mb-1 brand-link">([^<]*)</h2>', response.text)


def ld_json(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


# --- Index -----------------------------------------------------------------------


def test_index_lists_only_open_jobs(client, organization):
    for status in ("draft", "open", "on_hold", "closed", "archived"):
        make_job(organization, title=f"Role {status}", status=status)

    response = client.get(index_url(organization))

    assert response.status_code == 200
    assert listed_titles(response) == ["Role open"]
    assert f"Careers at {organization.name}" in response.text


def test_index_does_not_list_another_organisations_jobs(client, organization, other_organization):
    make_job(organization, title="Ours")
    make_job(other_organization, title="Theirs")

    assert listed_titles(client.get(index_url(organization))) == ["Ours"]


@pytest.fixture
def catalogue(organization):
    make_job(
        organization,
        title="Backend Engineer",
        department="Engineering",
        city="Berlin",
        remote_type=Job.RemoteType.REMOTE,
        description="Build our Django APIs.",
    )
    make_job(
        organization,
        title="Sales Lead",
        department="Sales",
        city="Paris",
        remote_type=Job.RemoteType.ONSITE,
        employment_type=Job.EmploymentType.PART_TIME,
    )
    make_job(organization, title="Data Intern", department="Engineering", employment_type=Job.EmploymentType.INTERNSHIP)


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("department=Engineering", {"Backend Engineer", "Data Intern"}),
        ("remote=remote", {"Backend Engineer"}),
        ("type=part_time", {"Sales Lead"}),
        ("location=Paris", {"Sales Lead"}),
        ("q=sales", {"Sales Lead"}),
        ("q=django", {"Backend Engineer"}),  # matches the description
        ("department=Engineering&type=internship", {"Data Intern"}),
        ("remote=nonsense&type=nonsense", {"Backend Engineer", "Sales Lead", "Data Intern"}),
    ],
)
def test_index_filters(client, organization, catalogue, query, titles):
    response = client.get(f"{index_url(organization)}?{query}")

    assert response.status_code == 200
    assert set(listed_titles(response)) == titles


def test_index_says_when_no_job_matches_the_filters(client, organization, catalogue):
    response = client.get(f"{index_url(organization)}?q=astronaut")

    assert listed_titles(response) == []
    assert "No open position matches your search." in response.text
    assert "See all 3 open positions" in response.text


def test_index_offers_only_departments_of_open_jobs(client, organization, catalogue):
    make_job(organization, title="Secret", department="Skunkworks", status="draft")

    response = client.get(index_url(organization))

    assert response.status_code == 200
    assert "<option>Engineering</option>" in response.text
    assert "Skunkworks" not in response.text


def test_unknown_organisation_is_404(client, db):
    assert client.get("/careers/no-such-org/").status_code == 404
    assert client.get("/careers/no-such-org/feed.xml").status_code == 404
    assert client.get("/careers/no-such-org/some-job/").status_code == 404


def test_index_rejects_post(client, organization):
    assert client.post(index_url(organization)).status_code == 405


# --- Job page -----------------------------------------------------------------------


def test_job_page_has_json_ld_job_posting_and_open_graph_tags(client, organization):
    job = make_job(
        organization,
        title="Backend Engineer",
        city="Berlin",
        country="DE",
        remote_type=Job.RemoteType.REMOTE,
        salary_min=60000,
        salary_max=80000,
        show_salary=True,
        description="Build **APIs**.",
    )

    response = client.get(job_url(job))

    assert response.status_code == 200
    assert '<script type="application/ld+json">' in response.text
    posting = ld_json(response)
    assert '"@type": "JobPosting"' in response.text
    assert posting["@type"] == "JobPosting"
    assert posting["title"] == "Backend Engineer"
    assert posting["hiringOrganization"]["name"] == organization.name
    assert posting["datePosted"] == job.published_at.date().isoformat()
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 60000,
        "maxValue": 80000,
        "unitText": "YEAR",
    }
    assert posting["url"] == f"http://testserver{job_url(job)}"
    assert f'<meta property="og:title" content="Backend Engineer at {organization.name}">' in response.text
    assert "<strong>APIs</strong>" in response.text
    assert f'href="{job_url(job)}apply/"' in response.text


def test_job_posting_leaves_out_a_hidden_salary(client, organization):
    job = make_job(organization, salary_min=60000, salary_max=80000, show_salary=False)

    response = client.get(job_url(job))

    assert response.status_code == 200
    posting = ld_json(response)
    assert posting["title"] == job.title
    assert "baseSalary" not in posting
    assert "60000" not in response.text


def test_job_title_cannot_break_out_of_the_json_ld_block(client, organization):
    job = make_job(organization, title="</script><script>alert(1)</script>")

    response = client.get(job_url(job))

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert ld_json(response)["title"] == "</script><script>alert(1)</script>"


def test_job_page_carries_the_source_to_the_apply_link(client, organization):
    job = make_job(organization)

    response = client.get(f"{job_url(job)}?utm_source=newsletter")

    assert f'href="{job_url(job)}apply/?source=newsletter"' in response.text


def test_another_organisations_job_slug_is_404(client, organization, other_organization):
    foreign = make_job(other_organization, title="Globex Only Role")

    assert client.get(f"/careers/{organization.slug}/{foreign.slug}/").status_code == 404
    assert client.get(f"/careers/{other_organization.slug}/{foreign.slug}/").status_code == 200


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_job_page_is_404(client, organization, status):
    job = make_job(organization, status=status)

    assert client.get(job_url(job)).status_code == 404


@pytest.mark.parametrize("status", ["closed", "on_hold"])
def test_job_not_taking_applications_says_so_and_offers_no_apply_link(client, organization, status):
    job = make_job(organization, status=status)

    response = client.get(job_url(job))

    assert response.status_code == 200
    assert "This position is no longer taking applications." in response.text
    assert "Applications closed" in response.text
    assert f"{job_url(job)}apply/" not in response.text


def test_job_whose_slug_is_logo_has_a_reachable_page(client, organization):
    job = make_job(organization, title="Logo")

    response = client.get(job_url(job))

    assert response.status_code == 200
    assert "Logo" in response.text


# --- RSS feed -------------------------------------------------------------------------


def test_feed_is_rss_of_open_jobs(client, organization, other_organization):
    make_job(organization, title="Backend Engineer")
    make_job(organization, title="Closed Role", status="closed")
    make_job(organization, title="Draft Role", status="draft")
    make_job(other_organization, title="Globex Role")

    response = client.get(f"/careers/{organization.slug}/feed.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 (our own feed, in a test)
    assert channel.findtext("title") == f"Jobs at {organization.name}"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Backend Engineer"]
    assert items[0].findtext("link") == f"http://testserver/careers/{organization.slug}/backend-engineer/"


def test_index_links_the_feed(client, organization):
    response = client.get(index_url(organization))

    assert (
        f'type="application/rss+xml" title="Jobs at {organization.name}" href="/careers/{organization.slug}/feed.xml"'
        in response.text
    )


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_index_query_count_does_not_grow_with_the_number_of_jobs(client, organization):
    url = index_url(organization)
    for _ in range(2):
        make_job(organization, department="Engineering", city="Berlin")
    few = _queries_for(client, url)
    for _ in range(10):
        make_job(organization, department="Sales", city="Paris")

    assert _queries_for(client, url) == few


def test_feed_query_count_does_not_grow_with_the_number_of_jobs(client, organization):
    url = f"/careers/{organization.slug}/feed.xml"
    for _ in range(2):
        make_job(organization)
    few = _queries_for(client, url)
    for _ in range(10):
        make_job(organization)

    assert _queries_for(client, url) == few
