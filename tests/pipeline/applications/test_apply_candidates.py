"""Applying finds or creates the candidate: one person is one candidate, with one application per job."""

import pytest
from django.core import mail

from pipeline.models import Application, ApplicationStageHistory, Candidate
from tests.factories import make_job

from .applying import PHONE, application_data, apply_url

pytestmark = pytest.mark.django_db


def test_same_email_twice_on_one_job_gives_one_application(client, job, django_capture_on_commit_callbacks):
    assert client.post(apply_url(job), application_data()).status_code == 302

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(apply_url(job), application_data(first_name="Janet"))

    assert response.status_code == 409
    assert f"You've already applied for {job.title}" in response.text
    assert Candidate.objects.count() == 1
    assert Application.objects.count() == 1
    assert ApplicationStageHistory.objects.count() == 1
    assert Candidate.objects.get().first_name == "Jane"
    assert callbacks == []  # no second acknowledgement, no second parse
    assert mail.outbox == []


def test_same_email_in_other_casing_is_the_same_person(client, job):
    assert client.post(apply_url(job), application_data(email="Jane.Doe@Example.COM")).status_code == 302

    response = client.post(apply_url(job), application_data(email="jane.doe@example.com"))

    assert response.status_code == 409
    assert Candidate.objects.count() == 1
    assert Application.objects.count() == 1


def test_one_person_on_two_jobs_is_one_candidate_with_two_applications(client, job, organization):
    other_job = make_job(organization, title="Frontend Developer")

    client.post(apply_url(job), application_data())
    client.post(apply_url(other_job), application_data(email="JANE.DOE@example.com"))

    candidate = Candidate.objects.get()
    assert set(candidate.applications.values_list("job__title", flat=True)) == {
        "Backend Engineer",
        "Frontend Developer",
    }


def test_second_application_fills_empty_fields_but_keeps_what_a_recruiter_edited(client, job, organization):
    other_job = make_job(organization, title="Frontend Developer")
    client.post(apply_url(job), application_data(phone="", linkedin_url=""))
    # A recruiter corrects the name on the profile.
    Candidate.objects.update(first_name="Janet", last_name="Doe-Smith")

    response = client.post(
        apply_url(other_job),
        application_data(
            first_name="Jane",
            last_name="Doe",
            phone=PHONE,
            linkedin_url="https://www.linkedin.com/in/janedoe",
            cover_letter="Second letter",
        ),
    )

    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.first_name, candidate.last_name) == ("Janet", "Doe-Smith")
    assert candidate.phone == PHONE
    assert candidate.linkedin_url == "https://www.linkedin.com/in/janedoe"
    assert candidate.cover_letter == "Second letter"
    assert Application.objects.get(job=other_job).cover_letter == "Second letter"
