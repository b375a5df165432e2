"""An offer never goes on a bare drag: the board asks in a dialog, with the text to edit; rejecting asks for a
reason and the rejection email in one small form. Screenshots of both, at 1366 and 375 pixels, under /tmp."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from jobs.models import Job
from mail.models import EmailMessage
from pipeline.automation.models import ActionRun
from pipeline.models import Application
from pipeline.setup.services import create_job

from .test_board import PASSWORD, apply, card, column, drag_card_to, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(tempfile.gettempdir())  # /tmp here
# Wide enough for the first column and Offer Made at once: the drag's mouse stays on the screen.
WIDE = {"width": 2200, "height": 800}


@pytest.fixture
def recruiter(django_user_model):
    organization = create_organization_with_defaults(name="Acme", slug="acme")
    user = django_user_model.objects.create_user(email="rita@acme.test", password=PASSWORD, name="Rita Recruiter")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def job(recruiter):
    job = create_job(
        organization=recruiter.memberships.get().organization, created_by=recruiter, title="Backend Engineer"
    )
    job.set_status(Job.Status.OPEN)
    return job


@pytest.fixture
def stages(job):
    return list(job.stages.filter(is_active=True).order_by("order", "pk"))


def shoot(page, name):
    """The viewport as the person sees it (a dialog sits over the page), at 1366 then 375 pixels wide."""
    for width, height in ((1366, 800), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)  # the layout settles
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 800})


@pytest.fixture
def people(job, stages):
    return [
        apply(job, stages[0], first, last, position=i)
        for i, (first, last) in enumerate([("Ada", "Lovelace"), ("Grace", "Hopper")])
    ]


def test_a_drag_into_offer_made_asks_and_sends_the_edited_words(page, recruiter, job, stages, people):
    offer = next(stage for stage in stages if stage.name == "Offer Made")
    ada = people[0]
    sign_in(page, recruiter.email, PASSWORD)
    page.set_viewport_size(WIDE)
    page.goto(f"/jobs/{job.pk}/board/")
    page.evaluate("window.__noReload = true")

    with page.expect_response(re.compile(rf"/applications/{ada.pk}/confirm-actions/")):
        drag_card_to(page, card(page, ada), column(page, offer))

    dialog = page.get_by_role("dialog", name="Send this email?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Subject")).to_have_value("Your offer from {{ organization.name }}")
    preview = dialog.frame_locator("iframe.mail-preview")
    dialog.get_by_text("Preview: as Ada Lovelace gets it").click()
    expect(preview.locator("body")).to_contain_text("Hello Ada")
    assert EmailMessage.objects.count() == 0
    assert ActionRun.objects.get(application=ada, action__isnull=False, status="waiting")
    shoot(page, "confirm-dialog")

    body = dialog.get_by_label("Body")
    body.fill(body.input_value().replace("delighted", "thrilled"))
    dialog.get_by_role("button", name="Send", exact=True).click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="“Offer” email to Ada Lovelace is on its way.")).to_be_visible()
    assert page.evaluate("window.__noReload") is True  # the board stayed where it was
    message = EmailMessage.objects.get()
    assert message.to == [ada.candidate.email]
    assert "thrilled" in message.html_body and "Hello Ada" in message.html_body
    assert Application.objects.get(pk=ada.pk).current_stage_id == offer.pk


def test_closing_the_dialog_sends_nothing_and_leaves_it_waiting(page, recruiter, job, stages, people):
    offer = next(stage for stage in stages if stage.name == "Offer Made")
    ada = people[0]
    sign_in(page, recruiter.email, PASSWORD)
    page.set_viewport_size(WIDE)
    page.goto(f"/jobs/{job.pk}/board/")

    with page.expect_response(re.compile(rf"/applications/{ada.pk}/confirm-actions/")):
        drag_card_to(page, card(page, ada), column(page, offer))
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog")).to_have_count(0)
    page.goto(f"/candidates/{ada.candidate_id}/")
    expect(page.locator("[data-waiting]")).to_contain_text("waits for your answer")
    assert EmailMessage.objects.count() == 0


def test_reject_from_a_card_asks_for_a_reason_and_the_email(page, recruiter, job, stages, people):
    grace = people[1]
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")

    menu = card(page, grace).locator("details.move-menu")
    menu.locator("summary").click()
    expect(menu.get_by_role("checkbox", name=re.compile("^Send again"))).not_to_be_checked()
    menu.get_by_role("link", name="Reject…").click()

    dialog = page.get_by_role("dialog", name="Reject Grace Hopper")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Send the rejection email")).to_be_checked()
    expect(dialog.get_by_label("Subject")).to_have_value("Your application for {{ job.title }}")
    shoot(page, "reject-form")

    dialog.get_by_label("Reason").select_option("Position filled")
    dialog.get_by_label("When it goes").select_option("2d")
    dialog.get_by_role("button", name="Reject", exact=True).click()

    expect(
        page.get_by_role("status").filter(has_text="The rejection email goes in 2 days, unless you bring them back.")
    ).to_be_visible()
    assert Application.objects.get(pk=grace.pk).status == Application.Status.REJECTED
    run = ActionRun.objects.get(application=grace, trigger=ActionRun.Trigger.REJECTION)
    assert run.status == ActionRun.Status.PENDING
    assert EmailMessage.objects.count() == 0


def test_the_keyboard_move_menu_asks_in_the_same_dialog(page, recruiter, job, stages, people):
    offer = next(stage for stage in stages if stage.name == "Offer Made")
    ada = people[0]
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")

    menu = card(page, ada).locator("details.move-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    button = menu.get_by_role("button", name="Offer Made", exact=True)
    button.focus()
    with page.expect_navigation(url=re.compile(rf"/jobs/{job.pk}/board/#application-{ada.pk}$")):
        page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name="Send this email?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Subject")).to_be_focused()  # the keyboard carries on in the dialog
    dialog.get_by_role("button", name="Don't send").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="won't be sent")).to_be_visible()
    assert ActionRun.objects.get(application=ada, action__isnull=False).status == ActionRun.Status.CANCELLED
    assert Application.objects.get(pk=ada.pk).current_stage_id == offer.pk
    assert EmailMessage.objects.count() == 0


def test_the_bulk_bar_rejects_in_the_same_small_form(page, recruiter, job, stages, people):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")

    page.get_by_label("Select Ada Lovelace").check()
    page.get_by_label("Select Grace Hopper").check()
    page.get_by_text("Act on several at once…").click()
    page.locator("#bulk-action").select_option("reject")
    page.get_by_role("button", name="Apply").click()

    dialog = page.get_by_role("dialog", name="Reject 2 candidates")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("2 selected: Grace Hopper, Ada Lovelace.")
    dialog.get_by_label("Reason").select_option("Position filled")
    dialog.get_by_label("Send the rejection email").uncheck()
    dialog.get_by_role("button", name="Reject 2").click()

    expect(page.get_by_role("status").filter(has_text="Rejected 2. No email was sent.")).to_be_visible()
    assert set(Application.objects.values_list("status", flat=True)) == {Application.Status.REJECTED}
    assert not ActionRun.objects.filter(trigger=ActionRun.Trigger.REJECTION).exists()
