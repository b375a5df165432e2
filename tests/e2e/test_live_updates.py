"""Two people at once, against the real ASGI server (gunicorn's ASGI worker, as the Procfile runs it),
a real qcluster and Redis: what one does reaches the other's open page without a reload.

pytest-django's live_server speaks WSGI only, so the site runs in a subprocess on the test database
(committed data: transactional tests). Redis carries the events between processes; without REDIS_URL
the test skips, and under REQUIRE_BROWSER (CI, which exports REDIS_URL) it fails instead.
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Membership
from ats.bench.processes import free_port, start, stop, wait_until_healthy
from ats.setup import create_organization_with_defaults
from jobs.models import HiringTeamMember, Job
from pipeline.applications.services import open_application
from pipeline.candidates.models import Candidate
from pipeline.setup.services import create_job
from tests.mail.conftest import worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)

# Longer than a live event needs by far (milliseconds), shorter than the 15 s poll it must not rely on.
EVENT_TIMEOUT_MS = 10_000


@pytest.fixture
def redis_url():
    """The tests' own Redis database (15 on REDIS_URL's server), emptied first."""
    url = os.environ.get("REDIS_URL")
    if not url:
        message = "REDIS_URL is not set: live updates between processes need Redis"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    url = urlunsplit(urlsplit(url)._replace(path="/15"))
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def site(redis_url, tmp_path):
    """The site on the test database, pages and sockets on one port, with a qcluster beside it."""
    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "ats.settings",
        "DATABASE_URL": worker_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # sessions made here must be valid there
        "DEBUG": "1",
        "REDIS_URL": redis_url,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "Q_WORKERS": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    web = start(
        [sys.executable, "-m", "gunicorn", "ats.asgi:application", "--worker-class", "asgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
        log=web_log, env=env,
    )  # fmt: skip
    worker = start([sys.executable, "manage.py", "qcluster"], log=worker_log, env=env)
    try:
        wait_until_healthy(web, f"http://127.0.0.1:{port}/health/", log=web_log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(web)
        stop(worker)


@pytest.fixture
def team(django_user_model):
    """Rita and Riley, recruiters on the Backend Engineer job, and Ada's application in its first stage."""
    organization = create_organization_with_defaults(name="Acme", slug="acme")
    rita, riley = (
        django_user_model.objects.create_user(email=email, password="not-used-here", name=name)
        for email, name in [("rita@acme.test", "Rita Recruiter"), ("riley@acme.test", "Riley Stone")]
    )
    for user in (rita, riley):
        Membership.objects.create(user=user, organization=organization, role=Membership.Role.RECRUITER)
    job = create_job(organization=organization, created_by=rita, title="Backend Engineer")
    job.set_status(Job.Status.OPEN)
    HiringTeamMember.objects.create(job=job, user=rita, role=HiringTeamMember.Role.RECRUITER)
    candidate = Candidate.objects.create(
        organization=organization, first_name="Ada", last_name="Lovelace", email="ada@example.test"
    )
    application = open_application(job=job, candidate=candidate, applied=False, by=rita)
    return rita, riley, job, application


def signed_in(browser, site, user):
    """A browser tab signed in as `user` (a session made by Django's test client, in the shared database)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=site, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def test_a_mention_raises_the_colleagues_bell_and_a_move_reaches_their_open_board(browser, site, team):
    rita, riley, job, application = team
    stages = list(job.stages.filter(is_active=True).order_by("order", "pk"))
    rita_page, rita_errors = signed_in(browser, site, rita)
    riley_page, riley_errors = signed_in(browser, site, riley)

    # Riley has the board open, its socket subscribed to the job; the bell says nothing unread.
    riley_page.goto(f"/jobs/{job.pk}/board/")
    expect(riley_page.locator("body")).to_have_attribute("data-live-state", "subscribed")
    expect(riley_page.locator("#bell-count")).to_contain_text("none unread")
    expect(riley_page.locator(f"#column-{stages[0].pk} #application-{application.pk}")).to_be_visible()
    riley_page.evaluate("window.stillThisPage = true")  # gone if the page reloads

    # Rita mentions Riley in a note on Ada: the worker tells Riley, and Riley's bell rises.
    rita_page.goto(f"/candidates/{application.candidate_id}/")
    box = rita_page.get_by_role("textbox", name="Note")
    box.press_sequentially("Could @ri")  # the @ list offers Riley; the keyboard picks him
    expect(rita_page.get_by_role("option", name="Riley Stone")).to_be_visible()
    box.press("Enter")
    box.press_sequentially("call Ada this week?")
    expect(box).to_have_value("Could @riley call Ada this week?")
    rita_page.get_by_role("button", name="Add note").click()
    expect(rita_page.locator(".toast")).to_contain_text("Note added.")
    expect(riley_page.locator("#bell-count .bell-badge")).to_have_text("1", timeout=EVENT_TIMEOUT_MS)
    expect(riley_page.locator("#bell-count")).to_have_count(1)  # swapped in place
    expect(riley_page.locator("#bell-menu")).to_have_count(1)
    riley_page.locator("#bell").click()  # the menu opens on the new notification
    expect(riley_page.locator("#bell-menu")).to_contain_text("Rita Recruiter mentioned you in a note on Ada Lovelace")
    riley_page.keyboard.press("Escape")

    # Rita moves Ada on from the candidate page: Riley's open board shows her in the new column.
    rita_page.locator("summary", has_text="Move to…").first.click()
    rita_page.get_by_role("button", name=stages[1].name, exact=True).click()
    expect(rita_page.locator(".toast")).to_contain_text(stages[1].name)
    moved = riley_page.locator(f"#column-{stages[1].pk} #application-{application.pk}")
    expect(moved).to_be_visible(timeout=EVENT_TIMEOUT_MS)
    expect(riley_page.locator(f"#column-{stages[0].pk} #application-{application.pk}")).to_have_count(0)

    assert riley_page.evaluate("window.stillThisPage") is True  # no reload along the way
    assert (rita_errors, riley_errors) == ([], [])
