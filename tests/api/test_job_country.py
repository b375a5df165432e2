"""A job's country through the API: an ISO code or an English name in, the ISO code (and its name) out."""

import pytest

from jobs.models import Job
from tests.factories import make_job

pytestmark = pytest.mark.django_db
JOBS = "/api/v1/jobs/"
COMPLETE = "/api/v1/jobs/complete/"


@pytest.mark.parametrize("written", ["France", "france", "FRANCE", "FR", "fr", "FRA", " France "])
def test_a_country_is_read_as_its_code_or_its_name(api_for, recruiter, written):
    response = api_for(recruiter).post(JOBS, {"title": "Chef", "country": written}, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["country"], response.json()["country_name"]) == ("FR", "France")
    assert Job.objects.get(pk=response.json()["id"]).country.code == "FR"


def test_an_unknown_country_is_a_400_naming_it(api_for, recruiter):
    response = api_for(recruiter).post(JOBS, {"title": "Chef", "country": "Narnia"}, format="json")

    assert response.status_code == 400
    assert "Narnia" in response.json()["country"][0]
    assert not Job.objects.exists()


def test_no_country_answers_empty_strings(api_for, recruiter, organization):
    job = make_job(organization, title="Anywhere")

    answer = api_for(recruiter).get(f"{JOBS}{job.pk}/")

    assert answer.status_code == 200
    assert (answer.json()["country"], answer.json()["country_name"]) == ("", "")


def test_a_patch_changes_the_country_and_leaves_it_when_not_sent(api_for, recruiter, organization):
    job = make_job(organization, title="Chef", country="DE")
    client = api_for(recruiter)

    kept = client.patch(f"{JOBS}{job.pk}/", {"city": "Berlin"}, format="json")
    moved = client.patch(f"{JOBS}{job.pk}/", {"country": "Portugal"}, format="json")

    assert kept.status_code == 200, kept.json()
    assert kept.json()["country"] == "DE"
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["country"], moved.json()["country_name"]) == ("PT", "Portugal")
    job.refresh_from_db()
    assert (job.country.code, job.city) == ("PT", "Berlin")


def test_the_list_filters_by_code_or_name(api_for, recruiter, organization):
    make_job(organization, title="Paris", country="FR")
    make_job(organization, title="Lisbon", country="PT")
    client = api_for(recruiter)

    by_name = client.get(JOBS, {"country": "france"}).json()
    by_code = client.get(JOBS, {"country": "PT"}).json()
    unknown = client.get(JOBS, {"country": "Narnia"})

    assert [j["title"] for j in by_name["results"]] == ["Paris"]
    assert [j["title"] for j in by_code["results"]] == ["Lisbon"]
    assert unknown.status_code == 200
    assert unknown.json()["results"] == []


def test_the_salary_period_is_read_by_value_or_label(api_for, recruiter):
    client = api_for(recruiter)

    monthly = client.post(JOBS, {"title": "A", "salary_period": "per month"}, format="json")
    hourly = client.post(JOBS, {"title": "B", "salary_period": "HOUR"}, format="json")
    default = client.post(JOBS, {"title": "C"}, format="json")
    wrong = client.post(JOBS, {"title": "D", "salary_period": "fortnight"}, format="json")

    assert [r.status_code for r in (monthly, hourly, default)] == [201, 201, 201]
    assert [r.json()["salary_period"] for r in (monthly, hourly, default)] == ["month", "hour", "year"]
    assert wrong.status_code == 400
    assert "salary_period" in wrong.json()


def _complete(country, **salary):
    return {
        "job": {
            "description": {
                "job description": {"title": "Baker", "country": country, "salary": {"min": 1, **salary}},
            }
        }
    }


def test_jobs_complete_maps_a_country_name_and_a_salary_period(api_for, recruiter):
    response = api_for(recruiter).post(COMPLETE, _complete("germany", period="Month"), format="json")

    assert response.status_code == 201, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.country.code, job.salary_period) == ("DE", "month")


def test_jobs_complete_refuses_an_unknown_country_naming_it(api_for, recruiter):
    response = api_for(recruiter).post(COMPLETE, _complete("Atlantis"), format="json")

    assert response.status_code == 400
    assert "Atlantis" in str(response.json())
    assert "country" in str(response.json())
    assert not Job.objects.exists()
