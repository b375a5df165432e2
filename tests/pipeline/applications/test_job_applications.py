"""The recruiter's list of a job's applications: /jobs/<id>/applications/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pipeline.applications.services import first_stage
from pipeline.models import ApplicationFormAnswer
from tests.factories import ApplicationFactory, make_job

pytestmark = pytest.mark.django_db


def url(job):
    return f"/jobs/{job.pk}/applications/"


def add_applications(job, n):
    stage = first_stage(job)
    for _ in range(n):
        application = ApplicationFactory(job=job, current_stage=stage, source="linkedin")
        ApplicationFormAnswer.objects.create(application=application, key="notice", label="Notice", value="1 month")


def test_it_lists_the_jobs_applications_with_their_stage_and_answers(client_for, recruiter, job, organization):
    add_applications(job, 2)
    add_applications(make_job(organization, title="Other"), 1)

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    assert response.text.count("data-application=") == 2
    assert "Application Received" in response.text
    assert '<dt class="col-sm-4">Notice</dt>' in response.text


def test_it_says_when_there_are_no_applications_yet(client_for, recruiter, job):
    response = client_for(recruiter).get(url(job))

    assert "No applications yet" in response.text


def test_another_organisations_member_gets_404(client_for, other_organization, job):
    foreign_owner = other_organization.memberships.get().user

    assert client_for(foreign_owner).get(url(job)).status_code == 404


def test_query_count_does_not_grow_with_the_number_of_applications(client_for, recruiter, job):
    client = client_for(recruiter)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(job)).status_code == 200
        return len(queries)

    add_applications(job, 2)
    few = count()
    add_applications(job, 10)
    many = count()

    assert many == few
