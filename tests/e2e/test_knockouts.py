"""Knockouts end to end: a recruiter marks a yes/no answer as a knockout in the form builder, a candidate
gives it on the careers site, and the board flags that card and filters by the answer (SQLite and PostgreSQL)."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from jobs.models import FormField, Job
from jobs.services import add_question
from pipeline.applications.services import submit_application
from pipeline.models import Application
from pipeline.setup.services import create_job
from tests.factories import pdf_upload

from .test_apply_flow import _resume_pdf, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "recruiter-pass-123"
WORK_PERMIT = "Are you allowed to work in the EU?"


@pytest.fixture
def recruiter(django_user_model):
    organization = create_organization_with_defaults(name="Acme", slug="acme")
    user = django_user_model.objects.create_user(email="rita@acme.test", password=PASSWORD, name="Rita Recruiter")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def job(recruiter):
    organization = recruiter.memberships.get().organization
    job = create_job(organization=organization, created_by=recruiter, title="Backend Engineer", city="Berlin")
    add_question(form=job.application_form, label=WORK_PERMIT, field_type=FormField.Type.YES_NO, required=True)
    job.set_status(Job.Status.OPEN)
    # Someone who may work in the EU applied earlier: their card must stay unflagged, and filtered out.
    submit_application(
        job=job,
        values={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.test"},
        answers={"are_you_allowed_to_work_in_the_eu": "yes"},
        files={"resume": pdf_upload()},
    )
    return job


def test_a_knockout_answer_is_flagged_on_the_board_and_filtered_by(page, screenshot, job, recruiter, tmp_path):
    question = job.application_form.fields.get(label=WORK_PERMIT)

    # The recruiter marks "No" as a knockout in the form builder.
    sign_in(page, "rita@acme.test", PASSWORD)
    page.goto(f"/jobs/{job.pk}/form/")
    page.get_by_role("link", name=f"Edit {WORK_PERMIT}").click()
    page.locator(f'input[name="f{question.pk}-knockout_answers"][value="no"]').check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(f'[data-field-id="{question.pk}"]')).to_contain_text("Knockout: No")
    question.refresh_from_db()
    assert question.knockout_answers == ["no"]

    # A candidate answers "No" on the careers site.
    page.context.clear_cookies()
    page.goto("/careers/acme/backend-engineer/apply/")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email").fill("ada@example.test")
    page.get_by_label("Resume").set_input_files(_resume_pdf(tmp_path / "ada.pdf"))
    page.get_by_role("group", name=WORK_PERMIT).get_by_label("No").check()
    page.get_by_role("checkbox", name=re.compile("I agree that Acme keeps my data")).check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("heading", name="Thank you for applying")).to_be_visible()
    ada = Application.objects.get(candidate__email="ada@example.test")
    grace = Application.objects.get(candidate__email="grace@example.test")
    assert (ada.knocked_out, grace.knocked_out) == (True, False)

    # The recruiter's board flags Ada's card, not Grace's.
    sign_in(page, "rita@acme.test", PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    ada_card = page.locator(f'[data-application="{ada.pk}"]')
    grace_card = page.locator(f'[data-application="{grace.pk}"]')
    expect(ada_card).to_have_attribute("data-knockout", "")
    expect(grace_card).to_be_visible()
    expect(grace_card).not_to_have_attribute("data-knockout", re.compile(".*"))
    screenshot("board-knockout")

    # Filtered by the answer "No" (a bookmarkable URL), the board shows Ada's card alone.
    page.goto(f"/jobs/{job.pk}/board/?answer={question.pk}:no")
    expect(ada_card).to_be_visible()
    expect(page.locator("[data-application]")).to_have_count(1)
    page.goto(f"/jobs/{job.pk}/board/?answer={question.pk}:yes")
    expect(grace_card).to_be_visible()
    expect(page.locator("[data-application]")).to_have_count(1)
    page.goto(f"/jobs/{job.pk}/board/?knockout=1")
    expect(page.locator("[data-knockout]")).to_have_count(1)
    expect(page.locator("[data-application]")).to_have_count(1)
