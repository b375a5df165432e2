"""DELETE /api/v1/v2/applications/{id}/: admins delete one application and what hangs from it; the candidate stays."""

from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.applications.models import Application, ApplicationFormAnswer, ApplicationStageHistory
from pipeline.automation.models import ActionRun
from pipeline.candidates.models import Candidate, TimelineEvent
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.tasks.models import Task, TaskComment
from tests.factories import ApplicationFactory, make_job

pytestmark = pytest.mark.django_db

LIST = "/api/v1/v2/applications/"


def detail(application):
    return f"{LIST}{application.pk}/"


def member(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def full(application, stages, owner, recruiter):
    """Ada's application with something in every place that hangs from an application."""
    answer = ApplicationFormAnswer.objects.create(
        application=application,
        key="portfolio",
        label="Portfolio",
        file=SimpleUploadedFile("work.pdf", b"%PDF-1.4 Ada's work", content_type="application/pdf"),
        file_name="work.pdf",
    )
    history = ApplicationStageHistory.objects.create(
        application=application, from_stage=stages[0], to_stage=stages[1], from_stage_name="A", to_stage_name="B"
    )
    ActionRun.objects.create(application=application, history=history, kind="email", label="Send the welcome email")
    task = Task.objects.create(organization=application.job.organization, application=application, title="Call Ada")
    TaskComment.objects.create(task=task, author=owner, body="Voicemail")
    interview = Interview.objects.create(
        organization=application.job.organization,
        application=application,
        title="Chat with Ada",
        starts_at=datetime(2026, 6, 10, tzinfo=UTC),
    )
    PanelMember.objects.create(interview=interview, user=recruiter)
    Scorecard.objects.create(interview=interview, author=recruiter, recommendation="yes", notes="Sharp")
    return answer


@pytest.fixture
def other_application(application, organization):
    """Ada's application to another job: untouched by deleting the first."""
    return ApplicationFactory(job=make_job(organization, title="Data Engineer"), candidate=application.candidate)


def test_an_owner_deletes_the_application_and_what_hangs_from_it(
    api_for, owner, application, full, other_application, django_capture_on_commit_callbacks
):
    stored = full.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(owner).delete(detail(application))

    assert response.status_code == 204
    assert response.content == b""
    assert not Application.objects.filter(pk=application.pk).exists()
    for model in (ApplicationFormAnswer, ApplicationStageHistory, ActionRun, Task, Interview):
        assert not model.objects.filter(application=application.pk).exists(), model
    assert not TaskComment.objects.exists()
    assert not PanelMember.objects.exists()
    assert not Scorecard.objects.exists()
    assert not default_storage.exists(stored)
    # The person stays, with their other application and a line saying what happened.
    candidate = Candidate.objects.get(pk=application.candidate_id)
    assert candidate.erased_at is None
    assert list(candidate.applications.all()) == [other_application]
    event = TimelineEvent.objects.get(candidate=candidate, kind="application_deleted")
    assert event.actor == owner
    assert event.application is None
    assert event.text == f"Application for Backend Engineer deleted by {owner} (through the API)"


def test_the_only_application_goes_and_the_person_stays_in_the_pool(api_for, owner, application):
    response = api_for(owner).delete(detail(application))

    assert response.status_code == 204
    candidate = Candidate.objects.get(pk=application.candidate_id)
    assert (candidate.first_name, candidate.email, candidate.erased_at) == ("Ada", "ada@example.com", None)
    assert not candidate.applications.exists()


def test_deleting_twice_is_a_404_the_second_time(api_for, owner, application):
    client = api_for(owner)

    assert client.delete(detail(application)).status_code == 204
    again = client.delete(detail(application))

    assert again.status_code == 404
    assert again.json() == {"detail": "No Application matches the given query."}
    assert TimelineEvent.objects.filter(kind="application_deleted").count() == 1


def test_a_recruiter_may_not_and_nothing_is_deleted(api_for, recruiter, application, full):
    response = api_for(recruiter).delete(detail(application))

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert Application.objects.filter(pk=application.pk).exists()
    assert ApplicationFormAnswer.objects.filter(application=application).count() == 1
    assert Task.objects.filter(application=application).count() == 1
    assert Interview.objects.filter(application=application).count() == 1
    assert default_storage.exists(full.file.name)
    assert not TimelineEvent.objects.filter(kind="application_deleted").exists()


def test_another_organisations_application_is_a_404(api_for, other_organization, application):
    theirs = Membership.objects.get(organization=other_organization).user

    response = api_for(theirs).delete(detail(application))

    assert response.status_code == 404
    assert "detail" in response.json()
    assert Application.objects.filter(pk=application.pk).exists()


def test_without_credentials_it_is_a_401(application):
    response = APIClient().delete(detail(application))

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_read_only_key_reads_but_may_not_delete(api_key_for, owner, application):
    client = api_key_for(member(owner), read_only=True)

    assert client.get(detail(application)).status_code == 200
    response = client.delete(detail(application))

    assert response.status_code == 403
    assert "detail" in response.json()
    assert Application.objects.filter(pk=application.pk).exists()


def test_an_owners_api_key_deletes(api_key_for, owner, application):
    response = api_key_for(member(owner)).delete(detail(application))

    assert response.status_code == 204
    assert not Application.objects.filter(pk=application.pk).exists()


def test_the_board_and_the_candidate_page_still_open_afterwards(
    api_for, client_for, owner, application, full, other_application
):
    assert api_for(owner).delete(detail(application)).status_code == 204
    client = client_for(owner)

    board = client.get(f"/jobs/{application.job_id}/board/")
    page = client.get(f"/candidates/{application.candidate_id}/")

    assert board.status_code == 200
    assert "Ada" not in board.content.decode()
    assert page.status_code == 200
    assert "Application for Backend Engineer deleted by" in page.content.decode()
    assert "Data Engineer" in page.content.decode()


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer"])
def test_other_roles_who_see_it_get_a_403(request, api_for, application, role):
    user = request.getfixturevalue(role)
    if role == "interviewer":
        Interview.objects.create(
            organization=application.job.organization,
            application=application,
            title="Chat",
            starts_at=datetime(2026, 6, 10, tzinfo=UTC),
        ).panel.create(user=user)
    else:
        HiringTeamMember.objects.create(job=application.job, user=user, role=HiringTeamMember.Role.HIRING_MANAGER)
    client = api_for(user)
    assert client.get(detail(application)).status_code == 200  # they see it

    response = client.delete(detail(application))

    assert response.status_code == 403
    assert "detail" in response.json()
    assert Application.objects.filter(pk=application.pk).exists()


def test_an_interviewer_who_does_not_see_it_gets_a_404(api_for, interviewer, application):
    response = api_for(interviewer).delete(detail(application))

    assert response.status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()
