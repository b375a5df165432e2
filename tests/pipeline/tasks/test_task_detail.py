"""A task's page: GET /tasks/<id>/."""

import pytest

pytestmark = pytest.mark.django_db


def url(task):
    return f"/tasks/{task.pk}/"


def test_it_shows_the_task_with_its_candidate_and_job(client_for, recruiter, task):
    response = client_for(recruiter).get(url(task))

    assert response.status_code == 200
    assert "Call the references" in response.text
    assert "Two of them." in response.text
    assert f'href="/candidates/{task.application.candidate_id}/#application-{task.application_id}"' in response.text
    assert "Backend Engineer" in response.text
