"""The candidate page's application card in a browser: star, rating and tags change in place (no reload,
no jump, focus kept); its menus open, one at a time, and Escape closes them; Advance is a plain POST back
to the card. At 375 pixels nothing leaves the page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from jobs.models import Job
from pipeline.models import Application, ApplicationFormAnswer
from pipeline.setup.services import create_job

from .test_board import PASSWORD, apply, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ada(django_user_model):
    organization = create_organization_with_defaults(name="Acme", slug="acme")
    user = django_user_model.objects.create_user(email="rita@acme.test", password=PASSWORD, name="Rita Recruiter")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    job = create_job(organization=organization, created_by=user, title="Backend Engineer")
    job.set_status(Job.Status.OPEN)
    stages = list(job.stages.filter(is_active=True).order_by("order", "pk"))
    application = apply(job, stages[0], "Ada", "Lovelace", cover_letter="Dear team,\nHello.")
    # Enough answers that the marks sit below the fold of a phone: a reload would scroll back to the top.
    ApplicationFormAnswer.objects.bulk_create(
        ApplicationFormAnswer(application=application, key=f"q{n}", label=f"Question {n}", value=f"Answer {n}", order=n)
        for n in range(12)
    )
    return application


def test_star_rating_and_tags_change_in_place(page, ada):
    sign_in(page, "rita@acme.test", PASSWORD)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/candidates/{ada.candidate_id}/")
    card = page.locator(f"#application-{ada.pk}")
    page.evaluate("window.stillThisPage = true")  # gone if the page reloads
    page.evaluate("window.scrollTo(0, 200)")  # a reload, or a jump to the card, would move this
    scrolled = page.evaluate("window.scrollY")
    assert scrolled == 200

    card.get_by_role("button", name="Star Backend Engineer").click()
    expect(card.get_by_role("button", name="Starred Backend Engineer")).to_have_attribute("aria-pressed", "true")
    expect(card.get_by_role("button", name="Starred Backend Engineer")).to_be_focused()

    card.get_by_role("button", name="4 of 5").click()
    expect(card.locator(".btn-rate.on")).to_have_count(4)
    expect(card.get_by_role("button", name="4 of 5")).to_be_focused()

    box = card.get_by_label("Add tags to Backend Engineer (comma-separated)")
    box.fill("Remote, Night owl")
    box.press("Enter")
    expect(card.locator("[data-tag]")).to_have_count(2)
    expect(card.get_by_role("button", name="Remove tag Night owl")).to_be_visible()
    expect(card.get_by_role("button", name="Remove tag Remote")).to_be_visible()
    expect(box).to_have_value("")
    expect(box).to_be_focused()

    assert page.evaluate("window.stillThisPage") is True
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    application = Application.objects.get(pk=ada.pk)
    assert (application.is_starred, application.rating) == (True, 4)
    assert sorted(application.tags.values_list("name", flat=True)) == ["Night owl", "Remote"]


def test_the_menus_open_one_at_a_time_and_escape_closes_them(page, ada):
    sign_in(page, "rita@acme.test", PASSWORD)
    page.goto(f"/candidates/{ada.candidate_id}/")
    card = page.locator(f"#application-{ada.pk}")
    move, more = card.locator("details.app-menu").nth(0), card.locator("details.app-menu").nth(1)

    move.locator("summary").click()
    expect(move.get_by_role("button", name="Phone Screen")).to_be_visible()
    more.locator("summary").click()
    expect(more.get_by_role("button", name="Put on hold")).to_be_visible()
    expect(move.get_by_role("button", name="Phone Screen")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(more.get_by_role("button", name="Put on hold")).to_be_hidden()
    expect(more.locator("summary")).to_be_focused()

    move.locator("summary").click()
    move.get_by_role("button", name="Phone Screen").click()
    expect(page.locator(f"#application-{ada.pk} [data-stage]")).to_have_text("Phone Screen")
    expect(page).to_have_url(re.compile(rf"/candidates/{ada.candidate_id}/#application-{ada.pk}$"))
    assert Application.objects.get(pk=ada.pk).current_stage.name == "Phone Screen"


def test_advance_is_the_one_primary_action(page, ada):
    sign_in(page, "rita@acme.test", PASSWORD)
    page.goto(f"/candidates/{ada.candidate_id}/")
    card = page.locator(f"#application-{ada.pk}")

    expect(card.locator("[data-primary-action]")).to_have_count(1)
    card.get_by_role("button", name="Advance to Initial Screening").click()

    expect(card.locator("[data-stage]")).to_have_text("Initial Screening")
    expect(card.get_by_role("button", name="Advance to Phone Screen")).to_be_visible()
