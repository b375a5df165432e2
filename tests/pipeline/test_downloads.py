"""Resumes and answer files are private: served only by views that check who is asking."""

import pytest
from django.core.files.base import ContentFile

from jobs.models import HiringTeamMember
from pipeline.models import ApplicationFormAnswer
from tests.factories import ApplicationFactory, CandidateFactory, pdf_bytes

pytestmark = pytest.mark.django_db

RESUME = pdf_bytes(["Jane Doe", "jane.doe@example.com"])


@pytest.fixture
def candidate(organization, job):
    candidate = CandidateFactory(
        organization=organization, resume=ContentFile(RESUME, name="upload.pdf"), resume_name="Jane Doe CV.pdf"
    )
    ApplicationFactory(job=job, candidate=candidate)
    return candidate


def resume_url(candidate):
    return f"/candidates/{candidate.pk}/resume/"


def test_member_downloads_the_resume_as_an_attachment(client_for, recruiter, candidate):
    response = client_for(recruiter).get(resume_url(candidate))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Jane Doe CV.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == RESUME


def test_another_organisations_member_gets_404(client_for, other_organization, candidate):
    foreign_owner = other_organization.memberships.get().user

    response = client_for(foreign_owner).get(resume_url(candidate))

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, candidate):
    response = client.get(resume_url(candidate))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    assert f"/candidates/{candidate.pk}/resume/" in response.url


def test_hiring_manager_downloads_only_resumes_of_their_jobs(client_for, hiring_manager, job, candidate):
    client = client_for(hiring_manager)

    assert client.get(resume_url(candidate)).status_code == 404

    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    assert client.get(resume_url(candidate)).status_code == 200


def test_candidate_without_a_resume_is_404(client_for, recruiter, organization):
    candidate = CandidateFactory(organization=organization)

    assert client_for(recruiter).get(resume_url(candidate)).status_code == 404


def test_resume_download_rejects_post(client_for, recruiter, candidate):
    assert client_for(recruiter).post(resume_url(candidate)).status_code == 405


def test_no_upload_is_served_from_media_url(client, client_for, recruiter, candidate, settings):
    assert (settings.MEDIA_ROOT / candidate.resume.name).exists()

    for who in (client, client_for(recruiter)):
        assert who.get(f"{settings.MEDIA_URL}{candidate.resume.name}").status_code == 404


def test_answer_file_is_an_attachment_for_members_and_404_for_others(
    client_for, recruiter, other_organization, candidate
):
    answer = ApplicationFormAnswer(
        application=candidate.applications.get(), key="portfolio", label="Portfolio", file_name="work.pdf"
    )
    answer.file.save("work.pdf", ContentFile(RESUME), save=True)
    url = f"/answers/{answer.pk}/file/"

    response = client_for(recruiter).get(url)
    foreign = client_for(other_organization.memberships.get().user).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "work.pdf" in response["Content-Disposition"]
    assert foreign.status_code == 404
