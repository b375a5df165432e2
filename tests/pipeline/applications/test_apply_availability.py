"""Which jobs take applications: published, open and before their deadline, of this organisation."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from pipeline.models import Application
from tests.factories import make_job

from .applying import application_data, apply_url, assert_nothing_saved, thanks_url

pytestmark = pytest.mark.django_db


def test_another_organisations_job_slug_is_404_on_apply(client, organization, other_organization):
    foreign = make_job(other_organization, title="Globex Only Role")

    url = f"/careers/{organization.slug}/{foreign.slug}/apply/"
    assert client.get(url).status_code == 404
    assert client.post(url, application_data()).status_code == 404
    assert_nothing_saved()


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_job_apply_page_is_404(client, organization, status):
    job = make_job(organization, status=status)

    assert client.get(apply_url(job)).status_code == 404
    assert client.post(apply_url(job), application_data()).status_code == 404
    assert client.get(thanks_url(job)).status_code == 404
    assert_nothing_saved()


@pytest.mark.parametrize("status", ["closed", "on_hold"])
def test_job_not_taking_applications_redirects_apply_to_the_job_page(client, organization, status):
    job = make_job(organization, status=status)
    job_page = f"/careers/{organization.slug}/{job.slug}/"

    get = client.get(apply_url(job))
    post = client.post(apply_url(job), application_data())

    assert (get.status_code, get.url) == (302, job_page)
    assert (post.status_code, post.url) == (302, job_page)
    assert_nothing_saved()


# --- Deadlines -------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    """A fixed 'today', so deadline tests can't flip at midnight."""
    day = date(2027, 1, 15)
    moment = datetime(2027, 1, 15, 12, tzinfo=UTC)  # midday: the same day in the organisation's zone (UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return day


def test_job_past_its_deadline_redirects_apply_to_the_job_page(client, organization, today):
    job = make_job(organization, deadline=today - timedelta(days=1))

    response = client.post(apply_url(job), application_data())

    assert response.status_code == 302
    assert response.url == f"/careers/{organization.slug}/{job.slug}/"
    assert_nothing_saved()


def test_job_on_its_deadline_day_still_takes_applications(client, organization, today):
    job = make_job(organization, deadline=today)

    response = client.post(apply_url(job), application_data())

    assert response.status_code == 302
    assert response.url == thanks_url(job)
    assert Application.objects.filter(job=job).count() == 1
