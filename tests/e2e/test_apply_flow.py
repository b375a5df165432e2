"""A candidate applies through the public careers site; a recruiter then reads the application."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from jobs.models import FormField, Job
from jobs.services import add_question
from pipeline.models import Application, Candidate
from pipeline.setup.services import create_job

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "recruiter-pass-123"
WORK_PERMIT = "Are you allowed to work in the EU?"
NOTICE = "What is your notice period?"


def _resume_pdf(path):
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 770, "Ada Lovelace")
    pdf.drawString(72, 750, "ada@example.test · +44 20 7946 0958")
    pdf.drawString(72, 720, "Skills: Python, Django, PostgreSQL")
    pdf.save()
    return path


@pytest.fixture
def recruiter(django_user_model):
    organization = create_organization_with_defaults(
        name="Acme", slug="acme", privacy_policy_url="https://acme.example/privacy"
    )
    user = django_user_model.objects.create_user(email="rita@acme.test", password=PASSWORD, name="Rita Recruiter")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def job(recruiter):
    organization = recruiter.memberships.get().organization
    job = create_job(
        organization=organization,
        created_by=recruiter,
        title="Backend Engineer",
        department="Engineering",
        city="Berlin",
        country="DE",
        description="Build the **hiring** platform.",
    )
    add_question(form=job.application_form, label=WORK_PERMIT, field_type=FormField.Type.YES_NO, required=True)
    add_question(form=job.application_form, label=NOTICE, field_type=FormField.Type.SHORT_TEXT)
    job.set_status(Job.Status.OPEN)
    return job


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_candidate_applies_and_a_recruiter_reads_the_application(page, screenshot, job, recruiter, tmp_path):
    resume = _resume_pdf(tmp_path / "ada-lovelace-cv.pdf")

    page.goto("/careers/acme/")
    expect(page.get_by_role("heading", name="Careers at Acme")).to_be_visible()
    screenshot("careers-index")
    page.get_by_role("link", name=re.compile("Backend Engineer")).click()

    expect(page.get_by_role("heading", name="Backend Engineer", level=1)).to_be_visible()
    page.get_by_role("link", name="Apply for this job").click()

    expect(page.get_by_role("heading", name="Apply for Backend Engineer")).to_be_visible()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email").fill("ada@example.test")
    page.get_by_label("Resume").set_input_files(resume)
    page.get_by_role("group", name=WORK_PERMIT).get_by_label("Yes").check()
    page.get_by_label(NOTICE).fill("Three months")
    consent = page.get_by_role("checkbox", name=re.compile("I agree that Acme keeps my data"))
    expect(consent).not_to_be_checked()
    page.get_by_role("button", name="Submit application").click()

    # Without consent: the summary names the one problem, and the resume needn't be picked again.
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Please correct 1 field")
    expect(summary).to_contain_text("Please agree so we can consider your application.")
    expect(page.get_by_role("status").filter(has_text="We kept your resume")).to_contain_text("ada-lovelace-cv.pdf")
    # What the candidate typed is still there.
    expect(page.get_by_label("First name")).to_have_value("Ada")
    expect(page.get_by_label(NOTICE)).to_have_value("Three months")
    expect(page.get_by_role("group", name=WORK_PERMIT).get_by_label("Yes")).to_be_checked()
    assert not Candidate.objects.exists()
    screenshot("apply-errors")

    page.get_by_role("checkbox", name=re.compile("I agree that Acme keeps my data")).check()
    page.get_by_role("button", name="Submit application").click()

    expect(page.get_by_role("heading", name="Thank you for applying")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/careers/acme/backend-engineer/apply/thanks/$"))
    screenshot("apply-thanks")

    candidate = Candidate.objects.get(email="ada@example.test")
    assert (candidate.first_name, candidate.last_name) == ("Ada", "Lovelace")
    assert candidate.organization.slug == "acme"
    assert candidate.consent_given_at is not None
    assert candidate.resume_name == "ada-lovelace-cv.pdf"
    with candidate.resume.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    application = Application.objects.get(candidate=candidate)
    assert application.job == job
    assert {answer.label: answer.value for answer in application.answers.all()} == {
        WORK_PERMIT: True,
        NOTICE: "Three months",
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.test"]
    assert "Backend Engineer" in mail.outbox[0].subject

    # A recruiter signs in and reads it.
    page.context.clear_cookies()
    sign_in(page, "rita@acme.test", PASSWORD)
    page.goto(f"/jobs/{job.pk}/applications/")
    card = page.locator("article").filter(has_text="Ada Lovelace")
    expect(card.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(card).to_contain_text("ada@example.test")
    expect(card.locator("dt", has_text=WORK_PERMIT)).to_be_visible()
    expect(card.locator("dt", has_text=WORK_PERMIT).locator("xpath=following-sibling::dd[1]")).to_have_text("Yes")
    expect(card.locator("dt", has_text=NOTICE).locator("xpath=following-sibling::dd[1]")).to_have_text("Three months")
    screenshot("job-applications")

    resume_link = card.get_by_role("link", name=re.compile(r"Resume \(ada-lovelace-cv\.pdf\)"))
    with page.expect_download() as download_info:
        resume_link.click()
    assert download_info.value.suggested_filename == "ada-lovelace-cv.pdf"

    response = page.request.get(resume_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-disposition"].startswith("attachment;")
    assert 'filename="ada-lovelace-cv.pdf"' in response.headers["content-disposition"]
    assert response.body().startswith(b"%PDF-")
