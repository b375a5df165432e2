"""Malformed ids, numbers and over-long text in any form or query answer with a message or a 404, never a 500."""

import pytest

from jobs.forms import URL_MAX_LENGTH
from jobs.models import FormField, Stage, StageTemplate
from jobs.services import add_question
from pipeline.models import Candidate
from tests.factories import ApplicationFactory
from tests.pipeline.applications.applying import application_data, apply_url, assert_nothing_saved

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # past every integer column's range


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/jobs/{job}/board/bulk/", {"action": "move", "selected": [HUGE], "stage": HUGE}),
        ("post", "/jobs/{job}/board/columns/{stage}/", {"application": [HUGE, "-1", "abc"]}),
        ("get", "/jobs/{job}/board/", {"rating": "9" * 5000, "more": HUGE, "count": HUGE}),
        ("post", "/applications/{app}/rate/", {"rating": HUGE}),
        ("post", "/jobs/{job}/team/", {"membership": "abc", "role": "interviewer"}),
        ("post", "/jobs/{job}/form/fields/order/", {"field": [HUGE, "²"]}),
        ("get", "/candidates/", {"job": HUGE, "stage": "x", "applied_from": "not-a-date"}),
        ("get", "/jobs/{job}/workflow/apply/", {"template": HUGE}),
    ],
)
def test_malformed_numbers_never_cause_a_server_error(client_for, recruiter, job, stages, method, path, data):
    application = ApplicationFactory(job=job, current_stage=stages[0])
    url = path.format(job=job.pk, stage=stages[0].pk, app=application.pk)

    response = getattr(client_for(recruiter), method)(url, data)

    assert response.status_code in (200, 302, 400, 404)
    application.refresh_from_db()
    assert application.current_stage == stages[0]


# --- Form limits match the columns the values go into ------------------------------------------------


def test_the_apply_forms_limits_are_the_candidate_columns():
    from jobs.forms import STANDARD_MAX_LENGTHS

    assert {key: Candidate._meta.get_field(key).max_length for key in STANDARD_MAX_LENGTHS} == STANDARD_MAX_LENGTHS


@pytest.mark.parametrize(("field", "limit"), [("first_name", 100), ("last_name", 100), ("linkedin_url", 200)])
def test_an_apply_value_longer_than_its_column_is_refused_with_a_message(client, job, stages, field, limit):
    value = "x" * (limit + 1) if field != "linkedin_url" else "https://example.com/" + "x" * limit
    response = client.post(apply_url(job), application_data(**{field: value}))

    assert response.status_code == 400
    assert f"Ensure this value has at most {limit} characters" in response.text
    assert_nothing_saved()


def test_a_first_name_as_long_as_its_column_is_saved(client, job, stages):
    response = client.post(apply_url(job), application_data(first_name="x" * 100))

    assert response.status_code == 302
    assert Candidate.objects.get().first_name == "x" * 100


def test_a_custom_url_answer_has_a_length_limit(client, job, stages):
    add_question(form=job.application_form, label="Portfolio", field_type=FormField.Type.URL)
    long_url = "https://example.com/" + "x" * URL_MAX_LENGTH

    response = client.post(apply_url(job), application_data(q_portfolio=long_url))

    assert response.status_code == 400
    assert f"Ensure this value has at most {URL_MAX_LENGTH} characters" in response.text
    assert_nothing_saved()


def test_a_deadline_in_year_9999_is_refused(client_for, recruiter, job):
    data = {"title": "Engineer", "remote_type": "onsite", "employment_type": "full_time", "urgency": "medium"}
    data |= {"openings": "1", "salary_currency": "EUR", "deadline": "9999-12-31"}

    response = client_for(recruiter).post(f"/jobs/{job.pk}/edit/", data)

    assert response.status_code == 400
    assert "Choose a date between 1000 and 9998." in response.text
    job.refresh_from_db()
    assert job.deadline is None


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/jobs/{job}/workflow/steps/", {"name": "x" * 101}),
        ("/workflows/steps/{stage}/rename/", {"name": "x" * 101}),
        ("/workflows/new/", {"name": "x" * 151}),
    ],
)
def test_a_stage_or_template_name_longer_than_its_column_is_refused(client_for, owner, job, stages, path, data):
    url = path.format(job=job.pk, stage=stages[0].pk)

    response = client_for(owner).post(url, data, follow=True)

    assert response.status_code == 200
    assert "Keep the name to" in response.text
    assert not Stage.objects.filter(name__startswith="xxx").exists()
    assert not StageTemplate.objects.filter(name__startswith="xxx").exists()


def test_a_stage_description_longer_than_its_column_is_refused(client_for, owner, stages):
    url = f"/workflows/steps/{stages[0].pk}/rename/"

    response = client_for(owner).post(url, {"name": "Screen", "description": "x" * 301}, follow=True)

    assert "Keep the description to 300 characters or fewer" in response.text
    stages[0].refresh_from_db()
    assert stages[0].name != "Screen"


@pytest.mark.parametrize("path", ["/applications/{app}/tag/", "/jobs/{job}/board/bulk/"])
def test_a_tag_longer_than_a_tag_can_be_is_refused(client_for, recruiter, job, stages, path):
    application = ApplicationFactory(job=job, current_stage=stages[0])
    url = path.format(app=application.pk, job=job.pk)
    data = {"tag": "fine, " + "x" * 41, "action": "tag", "selected": application.pk}

    response = client_for(recruiter).post(url, data, follow=True)

    assert response.status_code == 200
    assert "Keep each tag to 40 characters or fewer." in response.text
    assert not application.tags.exists()


def test_a_next_that_is_not_a_path_goes_back_to_the_board(client_for, recruiter, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0])

    response = client_for(recruiter).post(f"/applications/{application.pk}/star/", {"next": "not-a-path"})

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/board/#application-{application.pk}"
