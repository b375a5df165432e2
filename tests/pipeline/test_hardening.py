"""Bad input answers with a message or a 404, never a 500, and nothing leaks between roles."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from ats.admin import JobWithDefaultsAdmin
from jobs.models import HiringTeamMember, Job, JobForm
from jobs.services import add_question
from pipeline.models import Application, Note
from pipeline.candidates.tasks import parse_resume
from tests.factories import ApplicationFactory, CandidateFactory, make_job, pdf_content

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture
def job(organization):
    return make_job(organization, title="Backend Engineer")


@pytest.fixture
def stages(job):
    return list(job.stages.all())


def test_a_hiring_manager_cannot_attach_a_note_to_a_job_they_cannot_open(client_for, hiring_manager, organization):
    mine, secret = make_job(organization, title="Mine"), make_job(organization, title="Secret")
    HiringTeamMember.objects.create(job=mine, user=hiring_manager)
    candidate = CandidateFactory(organization=organization)
    ApplicationFactory(job=mine, candidate=candidate, current_stage=mine.stages.first())
    hidden = ApplicationFactory(job=secret, candidate=candidate, current_stage=secret.stages.first())
    client = client_for(hiring_manager)

    page = client.get(f"/candidates/{candidate.pk}/").text
    client.post(f"/candidates/{candidate.pk}/notes/", {"body": "x", "visibility": "team", "application": hidden.pk})

    assert "Secret" not in page
    assert not Note.objects.filter(application=hidden).exists()


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


def test_the_last_stage_that_is_on_cannot_be_switched_off_or_deleted(client_for, recruiter, job, stages):
    for stage in stages[1:]:
        stage.is_active = False
        stage.save()
    client = client_for(recruiter)

    client.post(f"/workflows/steps/{stages[0].pk}/toggle/")
    client.post(f"/workflows/steps/{stages[0].pk}/delete/")

    stages[0].refresh_from_db()
    assert stages[0].is_active


def test_recruiter_help_text_is_escaped_on_the_public_form(client, organization, job):
    add_question(
        form=job.application_form, label="Why?", field_type="short_text", help_text='<a href="https://evil.test">x</a>'
    )

    html = client.get(f"/careers/{organization.slug}/{job.slug}/apply/").text

    assert '<a href="https://evil.test">' not in html
    assert "&lt;a href=&quot;https://evil.test&quot;&gt;" in html


def test_the_rate_limit_keys_on_the_address_our_proxy_appended(client, organization, job, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.APPLY_RATE_LIMIT = (1, 600)
    url = f"/careers/{organization.slug}/{job.slug}/apply/"

    first = client.post(url, {"website": ""}, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    second = client.post(url, {"website": ""}, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.9")

    assert first.status_code == 400
    assert second.status_code == 429


def test_a_job_made_in_the_admin_gets_the_standard_form_and_stages(admin_user, organization):
    job = Job(organization=organization, title="Made in admin", status=Job.Status.OPEN)
    request = RequestFactory().post("/admin/")
    request.user = admin_user

    JobWithDefaultsAdmin(Job, site).save_model(request, job, form=None, change=False)

    assert JobForm.objects.get(job=job).fields.filter(key="email", required=True).exists()
    assert job.stages.filter(is_active=True).count() == 8


def test_a_too_long_linkedin_link_in_a_resume_is_not_stored(organization):
    long_link = "linkedin.com/in/" + "a" * 300
    candidate = CandidateFactory(organization=organization, linkedin_url="")
    candidate.resume.save("cv.pdf", pdf_content(lines=("Jo", long_link)))

    parse_resume(candidate.pk)

    candidate.refresh_from_db()
    assert candidate.linkedin_url == ""
    assert candidate.resume_text


def test_an_interviewer_sees_no_candidates_yet(client_for, interviewer, job, stages):
    HiringTeamMember.objects.create(job=job, user=interviewer)
    ApplicationFactory(job=job, current_stage=stages[0])

    response = client_for(interviewer).get("/candidates/")

    assert response.context["page"].paginator.count == 0
    assert Application.objects.filter(job=job).count() == 1
