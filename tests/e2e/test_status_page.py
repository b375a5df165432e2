"""A candidate follows the status link of their email and withdraws, in a real browser: its referrer
policy and CSRF checks together must let the confirmation's POST through (the test client can't tell)."""

import pytest
from playwright.sync_api import expect

from pipeline.applications.models import Application
from pipeline.applications.status_link import status_path
from pipeline.candidates.models import TimelineEvent
from tests.factories import ApplicationFactory, OrganizationFactory, make_job

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_candidate_withdraws_from_their_status_page(page):
    job = make_job(OrganizationFactory(name="Acme Corp"), title="Backend Engineer")
    application = ApplicationFactory(job=job, current_stage=job.stages.first(), candidate__first_name="Ada")

    page.goto(status_path(application))
    expect(page.get_by_role("heading", level=1)).to_have_text("Backend Engineer")
    expect(page.locator("[data-status-label]")).to_have_text("Under review")
    page.get_by_role("link", name="Withdraw my application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your application?")
    page.get_by_label("Would you tell us why?").select_option("No longer interested")
    page.get_by_role("button", name="Yes, withdraw my application").click()

    expect(page.get_by_role("status")).to_contain_text("You have withdrawn this application")
    expect(page.locator("[data-status-label]")).to_have_text("Withdrawn")
    assert Application.objects.get(pk=application.pk).status == Application.Status.WITHDRAWN
    event = TimelineEvent.objects.get(application=application, kind="withdrawn")
    assert event.text == "Withdrew: No longer interested (on their status page)"
