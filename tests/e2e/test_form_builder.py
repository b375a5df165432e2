"""A recruiter builds a job's application form: add a question, reorder by button and by drag."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from jobs.models import FormField
from pipeline.setup.services import create_job

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "recruiter-pass-123"
QUESTION = "Years of Python?"


@pytest.fixture
def job(django_user_model):
    organization = create_organization_with_defaults(name="Acme", slug="acme")
    user = django_user_model.objects.create_user(email="rita@acme.test", password=PASSWORD, name="Rita Recruiter")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    return create_job(organization=organization, created_by=user, title="Backend Engineer")


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def db_order(job):
    """Labels of the job's form fields in their stored order."""
    return list(FormField.objects.filter(form__job=job).order_by("order", "pk").values_list("label", flat=True))


def expect_list_order(page, labels):
    """The builder's list shows exactly these questions, in this order."""
    items = page.locator("li.builder-field > div.flex-grow-1 > div.fw-semibold")
    expect(items).to_have_text([re.compile(rf"^{re.escape(label)}\*?$") for label in labels])


# SortableJS ignores dragover on items that are still animating into place, and Playwright only
# sends dragover when the mouse moves; so the drag waits for the list to settle and nudges the
# mouse until the dragged item has reached the top.
LIST_SETTLED = "() => [...document.querySelectorAll('[data-sortable] > *')].every((item) => !item.animated)"
IS_FIRST = "(item) => item === item.parentElement.firstElementChild"


def drag_to_top(page, item):
    """Drag `item` (a list entry) by its handle above the list's first entry, with real mouse moves."""
    dragged = item.element_handle()
    handle = item.locator(".drag-handle").bounding_box()
    top = page.locator("[data-sortable] > *").first.bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 10, steps=5)
    target_y = top["y"] + 2
    page.mouse.move(x, target_y, steps=30)
    for nudge in range(20):
        page.wait_for_function(LIST_SETTLED)
        if dragged.evaluate(IS_FIRST):
            break
        page.mouse.move(x, target_y + nudge % 2)
    page.mouse.up()


def test_a_recruiter_adds_a_question_and_reorders_it(page, screenshot, job):
    sign_in(page, "rita@acme.test", PASSWORD)
    page.goto(f"/jobs/{job.pk}/form/")
    expect(page.get_by_role("heading", name="Application form")).to_be_visible()
    standard = db_order(job)
    expect_list_order(page, standard)
    # Survives only as long as the page does: proof that what follows is htmx, not a reload.
    page.evaluate("window.__noReload = true")

    add = page.locator(".card").filter(has=page.get_by_role("heading", name="Add a question"))
    add.get_by_label("Label").fill(QUESTION)
    add.get_by_label("Field type").select_option(label="Number")
    add.get_by_role("button", name="Add question").click()

    expect_list_order(page, [*standard, QUESTION])
    expect(page.locator("li.builder-field").last).to_contain_text("Number · optional")
    preview = page.locator("[aria-label='Preview of the application form']")
    expect(preview.get_by_label(QUESTION)).to_have_attribute("type", "number")
    expect(add.get_by_label("Label")).to_have_value("")
    assert page.evaluate("window.__noReload") is True
    assert db_order(job) == [*standard, QUESTION]

    # The arrows are the keyboard's way to reorder: focus one and press Enter.
    page.get_by_role("button", name=f"Move {QUESTION} up").focus()
    page.keyboard.press("Enter")

    moved_up = [*standard[:-1], QUESTION, standard[-1]]
    expect_list_order(page, moved_up)
    # The preview follows the new order too.
    preview_labels = preview.locator("label.form-label")
    expect(preview_labels.nth(len(standard) - 1)).to_contain_text(QUESTION)
    assert page.evaluate("window.__noReload") is True
    assert db_order(job) == moved_up
    screenshot("form-builder")

    # Drag the new question by its handle onto the first one: it goes to the top.
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.evaluate("window.scrollTo(0, 0)")
    drag_to_top(page, page.locator("li.builder-field").filter(has_text=QUESTION))

    dragged = [QUESTION, *[label for label in moved_up if label != QUESTION]]
    expect_list_order(page, dragged)
    # The list is re-rendered from the database once the order is saved; wait for that round trip.
    expect(page.locator("li.builder-field").first.get_by_role("button", name=f"Move {QUESTION} up")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Move {QUESTION} down")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    assert db_order(job) == dragged
