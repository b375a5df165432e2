"""The board on a phone (375 px: filters behind a button, one column at a time, toasts clear of the
menu button) and on a wide screen (columns folded to strips, remembered after a reload)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from pipeline.applications.models import Application
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def board(page, live_server, recruiter, job, stages):
    """The page signed in as the recruiter (the session cookie of a forced login), and the board's path."""
    client = Client()
    client.force_login(recruiter)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return f"/jobs/{job.pk}/board/"


@pytest.fixture
def people(job, stages):
    """Two in the first stage, one in the second."""
    names = [("Ada", "Lovelace", 0), ("Grace", "Hopper", 0), ("Alan", "Turing", 1)]
    return [
        ApplicationFactory(
            job=job, current_stage=stages[stage], position=index, candidate__first_name=first, candidate__last_name=last
        )
        for index, (first, last, stage) in enumerate(names)
    ]


def column(page, stage):
    return page.locator(f"#column-{stage.pk}")


def test_on_a_phone_the_filters_wait_behind_a_button_that_counts_them(page, board, people):
    page.set_viewport_size(PHONE)
    page.goto(f"{board}?rating=3&starred=1")

    button = page.get_by_role("button", name=re.compile(r"^Filters"))
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Filters 2 on")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label("Name or email")).to_be_hidden()

    button.click()

    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_label("Name or email")).to_be_visible()
    expect(page.get_by_label("Starred")).to_be_checked()


def test_on_a_desktop_the_filters_show_and_the_phone_controls_do_not(page, board, stages, people):
    page.goto(board)

    expect(page.get_by_label("Name or email")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Filters"))).to_be_hidden()
    expect(page.get_by_label("Stage to show")).to_be_hidden()
    for stage in stages:
        expect(column(page, stage)).to_be_visible()


def test_on_a_phone_the_stage_picker_shows_one_column_and_switches(page, board, stages, people):
    ada, _, alan = people
    page.set_viewport_size(PHONE)
    page.goto(board)

    picker = page.get_by_label("Stage to show")
    expect(picker).to_be_visible()
    counts = [2, 1] + [0] * (len(stages) - 2)
    expect(picker.locator("option")).to_have_text(
        [f"{stage.name} ({n})" for stage, n in zip(stages, counts, strict=True)]
    )
    expect(column(page, stages[0])).to_be_visible()
    expect(page.locator(".board-column:visible")).to_have_count(1)
    expect(page.locator(f"#application-{ada.pk}")).to_be_visible()

    picker.select_option(str(stages[1].pk))

    expect(column(page, stages[1])).to_be_visible()
    expect(column(page, stages[0])).to_be_hidden()
    expect(page.locator(".board-column:visible")).to_have_count(1)
    expect(page.locator(f"#application-{alan.pk}")).to_be_visible()
    # The choice holds after a reload (per job, in this browser).
    page.reload()
    expect(page.get_by_label("Stage to show")).to_have_value(str(stages[1].pk))
    expect(column(page, stages[1])).to_be_visible()


def test_on_a_phone_a_move_shows_the_column_the_card_went_to_with_the_counts_updated(page, board, stages, people):
    ada = people[0]
    page.set_viewport_size(PHONE)
    page.goto(board)

    menu = page.locator(f"#application-{ada.pk} details.move-menu")
    menu.locator("summary").click()
    with page.expect_navigation(url=re.compile(rf"#application-{ada.pk}$")):
        menu.get_by_role("button", name=stages[2].name, exact=True).click()

    picker = page.get_by_label("Stage to show")
    expect(picker).to_have_value(str(stages[2].pk))
    expect(page.locator(f"#application-{ada.pk}")).to_be_visible()
    expect(picker.locator(f"option[value='{stages[0].pk}']")).to_have_text(f"{stages[0].name} (1)")
    expect(picker.locator(f"option[value='{stages[2].pk}']")).to_have_text(f"{stages[2].name} (1)")


def test_on_a_phone_a_toast_leaves_the_menu_button_clear(page, board, stages, people):
    page.set_viewport_size(PHONE)
    page.goto(board)
    menu = page.locator(f"#application-{people[0].pk} details.move-menu")
    menu.locator("summary").click()
    with page.expect_navigation():
        menu.get_by_role("button", name=stages[1].name, exact=True).click()

    toast = page.locator("#toasts .toast").filter(has_text=f"moved to {stages[1].name}")
    expect(toast).to_be_visible()
    toggler = page.get_by_role("button", name="Open the menu")
    expect(toggler).to_be_visible()
    toast_box, toggler_box = toast.bounding_box(), toggler.bounding_box()
    assert toast_box["y"] >= toggler_box["y"] + toggler_box["height"], (toast_box, toggler_box)
    # And it is the button that takes a click there, not the toast.
    centre = (toggler_box["x"] + toggler_box["width"] / 2, toggler_box["y"] + toggler_box["height"] / 2)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.navbar-toggler') !== null", centre)
    toggler.click()
    expect(page.get_by_role("link", name="Candidates")).to_be_visible()


def test_a_column_folds_to_a_strip_with_its_count_and_stays_folded_after_a_reload(page, board, stages, people):
    page.goto(board)
    first = column(page, stages[0])
    fold = first.get_by_role("button", name=f"Cards in {stages[0].name}")
    expect(fold).to_have_attribute("aria-expanded", "true")

    fold.click()

    expect(fold).to_have_attribute("aria-expanded", "false")
    expect(first).to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(first.locator("[data-count]")).to_be_visible()
    expect(first.locator("[data-count]")).to_have_text("2")
    expect(first.locator(".board-card").first).to_be_hidden()
    assert first.bounding_box()["width"] < 60
    note = page.locator("[data-collapsed-note]")
    expect(note).to_contain_text(f"1 column folded: {stages[0].name}.")

    page.reload()
    first = column(page, stages[0])
    expect(first).to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(first.get_by_role("button", name=f"Cards in {stages[0].name}")).to_have_attribute("aria-expanded", "false")
    expect(column(page, stages[1])).not_to_have_class(re.compile(r"\bis-collapsed\b"))

    first.click()  # anywhere on the strip unfolds it (its middle: the name)

    expect(first).not_to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(first.locator(".board-card")).to_have_count(2)
    expect(note).to_be_hidden()
    page.reload()
    expect(column(page, stages[0]).locator(".board-card").first).to_be_visible()


def test_show_all_columns_unfolds_every_strip(page, board, stages, people):
    page.goto(board)
    for stage in stages[:2]:
        column(page, stage).get_by_role("button", name=f"Cards in {stage.name}").click()
    expect(page.locator("[data-collapsed-note]")).to_contain_text("2 columns folded")

    page.get_by_role("button", name="Show all columns").click()

    expect(page.locator(".board-column.is-collapsed")).to_have_count(0)
    expect(column(page, stages[0]).get_by_role("button", name=f"Cards in {stages[0].name}")).to_be_focused()


# As in test_board.py: SortableJS ignores dragover while cards animate, and Playwright sends dragover
# only when the mouse moves, so the drag waits for the board to settle and nudges the mouse.
BOARD_SETTLED = "() => [...document.querySelectorAll('[data-board-column] > *')].every((card) => !card.animated)"


def test_a_card_dropped_on_a_strip_joins_that_column(page, board, stages, people):
    ada = people[0]
    page.goto(board)
    strip = column(page, stages[2])
    strip.get_by_role("button", name=f"Cards in {stages[2].name}").click()
    expect(strip).to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(strip.locator("[data-count]")).to_have_text("0")

    grip = page.locator(f"#application-{ada.pk} .age").bounding_box()
    target = strip.bounding_box()
    x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    target_x, target_y = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y, steps=5)
    page.mouse.move(target_x, target_y, steps=30)
    inside = f"() => document.querySelector('#cards-{stages[2].pk} #application-{ada.pk}') !== null"
    for nudge in range(20):
        page.wait_for_function(BOARD_SETTLED)
        if page.evaluate(inside):
            break
        page.mouse.move(target_x, target_y + nudge % 2)
    with page.expect_response(re.compile(rf"/board/columns/{stages[2].pk}/$")):
        page.mouse.up()

    expect(strip.locator("[data-count]")).to_have_text("1")
    expect(column(page, stages[0]).locator("[data-count]")).to_have_text("1")
    expect(strip).to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(page.locator(f"#application-{ada.pk}")).to_be_hidden()
    assert Application.objects.get(pk=ada.pk).current_stage_id == stages[2].pk

    strip.click()
    expect(strip.locator(f"#application-{ada.pk}")).to_be_visible()
