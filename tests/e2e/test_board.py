"""A recruiter works the kanban board: drag a card, move one by keyboard, filter, and look at it."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect

from accounts.models import Membership
from ats.setup import create_organization_with_defaults
from jobs.models import Job
from pipeline.applications.services import add_tags, move_application
from pipeline.candidates import services
from pipeline.models import Application, ApplicationStageHistory, Candidate
from pipeline.setup.services import create_job

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "recruiter-pass-123"
PEOPLE = [("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing"), ("Linus", "Torvalds")]


@pytest.fixture
def recruiter(django_user_model):
    organization = create_organization_with_defaults(name="Acme", slug="acme")
    user = django_user_model.objects.create_user(email="rita@acme.test", password=PASSWORD, name="Rita Recruiter")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def job(recruiter):
    organization = recruiter.memberships.get().organization
    job = create_job(organization=organization, created_by=recruiter, title="Backend Engineer")
    job.set_status(Job.Status.OPEN)
    return job


@pytest.fixture
def stages(job):
    """The job's active stages, in board order."""
    return list(job.stages.filter(is_active=True).order_by("order", "pk"))


def apply(job, stage, first_name, last_name, **fields):
    """An application in `stage`, as the careers site leaves it (with its "Applied" history entry)."""
    candidate = Candidate.objects.create(
        organization=job.organization,
        first_name=first_name,
        last_name=last_name,
        email=f"{slugify(first_name)}.{slugify(last_name)}@example.test",
        source=fields.get("source", ""),
    )
    application = Application.objects.create(job=job, candidate=candidate, current_stage=stage, **fields)
    ApplicationStageHistory.objects.create(application=application, from_stage=None, to_stage=stage, note="Applied")
    return application


@pytest.fixture
def applications(job, stages):
    return [apply(job, stages[0], first, last, position=index) for index, (first, last) in enumerate(PEOPLE)]


def sign_in(page, email, password):
    """Through the login form, with the keyboard (one test may not click at all)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def column(page, stage):
    return page.locator(".board-column").filter(has=page.locator(f"#stage-{stage.pk}"))


def card(page, application):
    return page.locator(f".board-card[data-application='{application.pk}']")


def expect_counts(page, stages, counts):
    """The count badges of the first len(counts) columns."""
    for stage, count in zip(stages, counts, strict=False):
        expect(column(page, stage).locator("[data-count]")).to_have_text(str(count))


def db_stage(application):
    return Application.objects.values_list("current_stage", flat=True).get(pk=application.pk)


# As in test_form_builder: SortableJS ignores dragover on cards that are still animating and
# Playwright only sends dragover when the mouse moves, so the drag waits for the board to settle
# and nudges the mouse until the dragged card has entered the target column.
BOARD_SETTLED = "() => [...document.querySelectorAll('[data-board-column] > *')].every((card) => !card.animated)"
IS_IN = "(card, target) => target.contains(card)"


def drag_card_to(page, dragged, target_column):
    """Drag a card by its body (not its links or buttons) into `target_column`, with real mouse moves."""
    card_handle = dragged.element_handle()
    target_handle = target_column.locator("[data-board-column]").element_handle()
    grip = dragged.locator(".age").bounding_box()  # a plain part of the card: links and buttons don't drag
    target = target_column.locator("[data-board-column]").bounding_box()
    x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    target_x, target_y = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y, steps=5)
    page.mouse.move(target_x, target_y, steps=30)
    for nudge in range(20):
        page.wait_for_function(BOARD_SETTLED)
        if card_handle.evaluate(IS_IN, target_handle):
            break
        page.mouse.move(target_x, target_y + nudge % 2)
    page.mouse.up()


def test_dragging_a_card_moves_it_and_records_the_move(page, recruiter, job, stages, applications):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    expect(page.get_by_role("heading", name=job.title, level=1)).to_be_visible()
    expect_counts(page, stages, [4, 0, 0])
    first, third = column(page, stages[0]), column(page, stages[2])
    expect(third.get_by_text("Nobody here yet")).to_be_visible()
    # Survives only as long as the page does: proof that what follows is htmx, not a reload.
    page.evaluate("window.__noReload = true")

    moved = applications[1]
    with page.expect_response(re.compile(rf"/board/columns/{stages[2].pk}/$")) as response:
        drag_card_to(page, card(page, moved), third)
    assert response.value.ok

    expect_counts(page, stages, [3, 0, 1])
    expect(third.locator(".board-card")).to_have_count(1)
    expect(card(page, moved)).to_have_count(1)
    expect(third.locator(f".board-card[data-application='{moved.pk}']")).to_contain_text("Grace Hopper")
    expect(first.locator(".board-card")).to_have_count(3)
    expect(third.get_by_text("Nobody here yet")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    assert db_stage(moved) == stages[2].pk
    assert all(db_stage(other) == stages[0].pk for other in applications if other != moved)
    # The board is live again after the swap: a reload shows the same thing, from the database.
    page.reload()
    expect_counts(page, stages, [3, 0, 1])
    expect(third.locator(f".board-card[data-application='{moved.pk}']")).to_be_visible()

    page.goto(f"/candidates/{moved.candidate_id}/")
    expect(page.get_by_role("heading", name="Grace Hopper", level=1)).to_be_visible()
    activity = page.locator("ol.timeline")
    latest_move = activity.locator(".timeline-moved").first
    expect(latest_move).to_contain_text(f"Moved from {stages[0].name} to {stages[2].name}")
    expect(latest_move).to_contain_text("Rita Recruiter")
    expect(page.locator(f"[data-application='{moved.pk}'] .badge")).to_have_text(stages[2].name)


def test_the_move_menu_works_with_the_keyboard_alone(page, recruiter, job, stages, applications):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    expect_counts(page, stages, [4, 0, 0, 0])
    moved, target = applications[2], stages[3]

    menu = card(page, moved).locator("details.move-menu")
    menu.locator("summary").focus()
    expect(menu.locator("summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    # The menu lists every other stage, in order: Tab from the summary to the target.
    buttons = menu.get_by_role("button")
    expect(buttons).to_have_text([stage.name for stage in stages[1:]])
    button = menu.get_by_role("button", name=target.name, exact=True)
    for _ in range(stages[1:].index(target) + 1):
        page.keyboard.press("Tab")
    expect(button).to_be_focused()

    with page.expect_navigation(url=re.compile(rf"/jobs/{job.pk}/board/#application-{moved.pk}$")):
        page.keyboard.press("Enter")

    expect_counts(page, stages, [3, 0, 0, 1])
    # Keyboard users land on the card they moved, not at the top of the page.
    expect(page.locator(f"#application-{moved.pk}")).to_be_focused()
    expect(column(page, target).locator(f".board-card[data-application='{moved.pk}']")).to_contain_text("Alan Turing")
    expect(page.get_by_role("status").filter(has_text=f"Alan Turing moved to {target.name}.")).to_be_visible()
    assert db_stage(moved) == target.pk
    assert Application.objects.filter(job=job, current_stage=stages[0]).count() == 3


def test_the_filters_live_in_the_url(page, recruiter, job, stages, applications):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    expect(page.locator(".board-card")).to_have_count(4)

    page.evaluate("window.__noReload = true")
    search = page.get_by_label("Name or email")
    search.fill("hopper")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]q=hopper(&|$)"))
    assert parse_qs(urlsplit(page.url).query)["q"] == ["hopper"]
    expect(page.locator(".board-card")).to_have_count(1)
    expect(page.locator(".board-card")).to_contain_text("Grace Hopper")
    expect_counts(page, stages, [1, 0])
    assert page.evaluate("window.__noReload") is True

    page.reload()
    expect(page.get_by_label("Name or email")).to_have_value("hopper")
    expect(page.locator(".board-card")).to_have_count(1)
    expect(card(page, applications[1])).to_be_visible()
    expect_counts(page, stages, [1, 0])


def test_a_move_keeps_the_filter_applied_by_htmx(page, recruiter, job, stages, applications):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    page.get_by_label("Name or email").fill("hopper")
    page.get_by_label("Name or email").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=hopper(&|$)"))

    menu = card(page, applications[1]).locator("details.move-menu")
    menu.locator("summary").click()
    with page.expect_navigation():
        menu.get_by_role("button", name=stages[1].name, exact=True).click()

    assert parse_qs(urlsplit(page.url).query).get("q") == ["hopper"]
    expect(page.locator(".board-card")).to_have_count(1)


def test_a_drag_can_be_undone_from_its_toast(page, recruiter, job, stages, applications):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    expect_counts(page, stages, [4, 0, 0])
    page.evaluate("window.__noReload = true")
    moved, third = applications[0], column(page, stages[2])

    with page.expect_response(re.compile(rf"/board/columns/{stages[2].pk}/$")):
        drag_card_to(page, card(page, moved), third)
    expect_counts(page, stages, [3, 0, 1])
    toast = page.get_by_role("status").filter(has_text=f"Ada Lovelace moved to {stages[2].name}.")
    expect(toast).to_be_visible()

    with page.expect_response(re.compile(rf"/applications/{moved.pk}/undo-move/$")) as undone:
        toast.get_by_role("button", name="Undo").click()
    assert undone.value.ok

    expect_counts(page, stages, [4, 0, 0])
    expect(column(page, stages[0]).locator(f".board-card[data-application='{moved.pk}']")).to_be_visible()
    expect(third.get_by_text("Nobody here yet")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=f"Ada Lovelace is back in {stages[0].name}.")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    assert db_stage(moved) == stages[0].pk
    notes = list(moved.stage_history.exclude(from_stage=None).order_by("pk").values_list("note", flat=True))
    assert notes == ["", "Undo"]


def test_starring_a_card_changes_that_card_in_place(page, recruiter, job, stages, applications):
    sign_in(page, recruiter.email, PASSWORD)
    page.goto(f"/jobs/{job.pk}/board/")
    page.evaluate("window.__noReload = true")
    starred = applications[3]

    with page.expect_response(re.compile(rf"/applications/{starred.pk}/star/$")):
        card(page, starred).get_by_role("button", name="Star Linus Torvalds").click()

    expect(card(page, starred).get_by_role("button", name="Star Linus Torvalds")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.__noReload") is True
    assert Application.objects.get(pk=starred.pk).is_starred


# --- Screenshots ---------------------------------------------------------------

# First name, then last name (which may have spaces, to see long names on the cards).
CROWD = [
    name.split(" ", 1)
    for name in re.split(
        r";\s*",
        """Ada Lovelace; Grace Hopper; Alan Turing; Linus Torvalds; Margaret Hamilton; Dennis Ritchie;
        Barbara Liskov; Ken Thompson; Frances Allen; Edsger Dijkstra; Radia Perlman; Donald Knuth; Sophie Wilson;
        Tim Berners-Lee; Katherine Johnson; Guido van Rossum; Hedy Lamarr; John McCarthy; Annie Easley;
        Bjarne Stroustrup; Karen Spärck Jones; Niklaus Wirth; Shafi Goldwasser; Leslie Lamport; Evelyn Berezin;
        Vint Cerf; Joan Clarke; Yukihiro Matsumoto; Mary Kenneth Keller; Anders Hejlsberg-Christiansen""",
    )
]
SOURCES = ["LinkedIn", "Careers site", "Referral", "Indeed", ""]
TAGS = [["python"], ["remote", "senior"], [], ["django", "postgres", "relocation"], [], ["referral"]]


def expect_no_sideways_page_scroll(page):
    """The board scrolls sideways inside itself; nothing on it (hidden text included) widens the page."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def busy_board(recruiter, job, stages):
    """About thirty applications across the stages, some rated, tagged and starred, of various ages."""
    now = timezone.now()
    spread = [0] * 9 + [1] * 6 + [2] * 5 + [3] * 4 + [4] * 3 + [5] + [6] + [7]
    made = []
    for index, ((first, last), stage_index) in enumerate(zip(CROWD, spread, strict=True)):
        application = apply(
            job,
            stages[0],
            first,
            last,
            source=SOURCES[index % len(SOURCES)],
            rating=[None, 4, 2, None, 5, 3][index % 6],
            is_starred=index % 4 == 1,
            position=index,
        )
        add_tags(applications=[application], tags=TAGS[index % len(TAGS)])
        if stage_index:
            move_application(application=application, to_stage=stages[stage_index], by=recruiter)
        Application.objects.filter(pk=application.pk).update(stage_entered_at=now - timedelta(days=(index * 5) % 30))
        made.append(application)
    services.add_note(
        candidate=made[0].candidate,
        author=recruiter,
        body="Strong on distributed systems; ask about the on-call rota.",
        visibility="team",
        application=made[0],
    )
    return made


def test_screenshots_of_the_board_and_the_candidate_pages(page, screenshot, recruiter, job, stages, busy_board):
    sign_in(page, recruiter.email, PASSWORD)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/jobs/{job.pk}/board/")
    expect(page.locator(".board-card")).to_have_count(len(busy_board))
    expect_counts(page, stages, [9, 6, 5, 4, 3, 1, 1, 1])
    expect_no_sideways_page_scroll(page)
    screenshot("board-desktop")

    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    expect(page.locator(".board-card")).to_have_count(len(busy_board))
    expect_no_sideways_page_scroll(page)
    screenshot("board-phone")

    page.set_viewport_size({"width": 1440, "height": 900})
    ada = busy_board[0].candidate
    move_application(application=busy_board[0], to_stage=stages[1], by=recruiter, note="Great portfolio")
    page.goto(f"/candidates/{ada.pk}/")
    expect(page.get_by_role("heading", name=ada.full_name, level=1)).to_be_visible()
    expect(page.locator(".timeline-moved")).to_contain_text(f"Moved from {stages[0].name} to {stages[1].name}")
    screenshot("candidate-page")

    page.goto("/candidates/")
    expect(page.get_by_role("heading", name="Candidates", level=1)).to_be_visible()
    expect(page.get_by_text(f"{len(busy_board)} candidates")).to_be_visible()
    screenshot("candidates-list")
