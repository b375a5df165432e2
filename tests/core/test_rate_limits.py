"""Rate limits shared by every process: accounts.ratelimit's counter, and the apply limit under two gunicorn workers."""

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from accounts.models import RateCounter
from accounts.ratelimit import hit
from ats.bench.processes import free_port
from ats.bench.processes import stop as stop_process_group
from pipeline.models import Application
from tests.mail.conftest import worker_database_url
from tests.pipeline.applications.applying import application_data, apply_url, thanks_url

REPO_ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60


# --- The counter ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_is_allowed_up_to_its_limit_then_refused():
    answers = [hit("login:ada", limit=3, window=60) for _ in range(5)]

    assert answers == [False, False, False, True, True]
    assert RateCounter.objects.get(key="login:ada").count == 5  # refused hits count too


@pytest.mark.django_db
def test_keys_count_apart():
    assert hit("apply:10.0.0.1", limit=1, window=60) is False
    assert hit("apply:10.0.0.1", limit=1, window=60) is True

    assert hit("apply:10.0.0.2", limit=1, window=60) is False


@pytest.mark.django_db
def test_a_new_window_starts_once_the_old_one_has_ended():
    for _ in range(3):
        hit("apply:10.0.0.1", limit=2, window=60)
    assert hit("apply:10.0.0.1", limit=2, window=60) is True
    # The window ends (its end moved into the past rather than waited for).
    RateCounter.objects.filter(key="apply:10.0.0.1").update(expires_at=timezone.now() - timedelta(seconds=1))

    assert hit("apply:10.0.0.1", limit=2, window=60) is False

    counter = RateCounter.objects.get(key="apply:10.0.0.1")
    assert counter.count == 1
    assert counter.expires_at > timezone.now() + timedelta(seconds=50)


@pytest.mark.django_db
def test_a_window_does_not_grow_with_each_hit():
    hit("apply:10.0.0.1", limit=5, window=60)
    ends = RateCounter.objects.get().expires_at

    hit("apply:10.0.0.1", limit=5, window=60)

    assert RateCounter.objects.get().expires_at == ends


@pytest.mark.django_db
def test_ended_counters_are_dropped_when_a_new_key_arrives():
    hit("apply:10.0.0.1", limit=5, window=60)
    hit("apply:10.0.0.2", limit=5, window=60)
    RateCounter.objects.filter(key="apply:10.0.0.1").update(expires_at=timezone.now() - timedelta(seconds=1))

    hit("apply:10.0.0.3", limit=5, window=60)

    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["apply:10.0.0.2", "apply:10.0.0.3"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["apply:" + "9" * 300, "apply:1.2.3.4\x00evil"], ids=["long", "NUL"])
def test_a_long_or_odd_key_is_counted_under_its_digest(key):
    assert hit(key, limit=1, window=60) is False
    assert hit(key, limit=1, window=60) is True

    stored = RateCounter.objects.get().key
    assert stored.startswith("sha256:")
    assert len(stored) == len("sha256:") + 64


def _hit_from_threads(key, *, limit, threads):
    """`threads` hits on `key` at once, each thread on its own database connection; the answers."""
    start = threading.Barrier(threads, timeout=DEADLINE_SECONDS)

    def one_hit(_):
        try:
            start.wait()
            return hit(key, limit=limit, window=600)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one_hit, range(threads), timeout=DEADLINE_SECONDS))


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_on_a_new_key_allow_exactly_the_limit():
    answers = _hit_from_threads("apply:203.0.113.9", limit=7, threads=20)

    assert answers.count(False) == 7
    assert answers.count(True) == 13
    assert RateCounter.objects.get(key="apply:203.0.113.9").count == 20  # one row, every hit on it


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_as_a_window_ends_allow_exactly_the_limit():
    RateCounter.objects.create(key="apply:203.0.113.9", count=99, expires_at=timezone.now() - timedelta(seconds=1))

    answers = _hit_from_threads("apply:203.0.113.9", limit=7, threads=20)

    assert answers.count(False) == 7
    assert RateCounter.objects.get(key="apply:203.0.113.9").count == 20


# --- The apply limit with two gunicorn workers and no Redis ----------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 to the thank-you page is the answer we count


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own local server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None  # not listening yet


def _served_by(log_path):
    """The worker pids in gunicorn's access log (its format below starts each line with the pid)."""
    return [line.split()[0] for line in log_path.read_text().splitlines() if line.strip()]


def _posts_served_by(access_log, *, after, count):
    """The pids of the `count` POSTs logged after line `after`; a worker logs a request once it has answered."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        posts = [line for line in access_log.read_text().splitlines()[after:] if " POST " in line]
        if len(posts) >= count:
            return [line.split()[0] for line in posts]
        time.sleep(0.05)
    pytest.fail(f"gunicorn logged {len(posts)} of {count} POSTs")


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """The site under `gunicorn --workers 2` on the test database, as the Procfile runs it, without Redis.

    Yields (base URL, access log path) once both workers have answered.
    """
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats.settings",  # the site's own settings: the database cache
        "DATABASE_URL": worker_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1",  # static files as they are (no collectstatic)
        "REDIS_URL": "",
        "APPLY_RATE_LIMIT_COUNT": "5",
        "APPLY_RATE_LIMIT_SECONDS": "600",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    access_log, error_log = tmp_path / "access.log", tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "ats.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    command += ["--no-control-socket", "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(r)s %(s)s"]
    with error_log.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command line: a port and a temp path)
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so its workers stop with it
        )
    base = f"http://127.0.0.1:{port}"
    try:
        # Bounded polling of an external process: ready when both workers have answered /health/.
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, "gunicorn exited early"
            if _get(f"{base}/health/") == 200 and len(set(_served_by(access_log))) == 2:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"gunicorn's two workers did not both answer within {DEADLINE_SECONDS}s")
        yield base, access_log
    finally:
        stop_process_group(process)
        print(error_log.read_text(errors="replace"))  # shown by pytest only when the test fails


def _apply(base, job, number, start):
    """One applicant's browser: open the form (a CSRF cookie and token), wait for the others, send it."""
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base + apply_url(job), timeout=DEADLINE_SECONDS) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    data = application_data(email=f"applicant{number}@example.com", csrfmiddlewaretoken=token)
    body = encode_multipart(BOUNDARY, data)
    request = urllib.request.Request(base + apply_url(job), data=body, headers={"Content-Type": MULTIPART_CONTENT})  # noqa: S310
    start.wait()
    try:
        response = opener.open(request, timeout=DEADLINE_SECONDS)
    except urllib.error.HTTPError as error:
        response = error  # the 302 and the 429 both arrive here
    with response:
        return response.status, response.headers.get("Location"), response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_workers_without_redis_hold_the_apply_limit_exactly(gunicorn, job):
    base, access_log = gunicorn
    applicants = 12
    start = threading.Barrier(applicants, timeout=DEADLINE_SECONDS)
    probes = len(_served_by(access_log))

    with ThreadPoolExecutor(max_workers=applicants) as pool:
        answers = list(pool.map(lambda n: _apply(base, job, n, start), range(applicants), timeout=DEADLINE_SECONDS))

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [302] * 5 + [429] * 7
    assert {location for status, location, _ in answers if status == 302} == {thanks_url(job)}
    assert all("That's a lot of applications in a short time." in body for status, _, body in answers if status == 429)
    assert Application.objects.filter(job=job).count() == 5
    assert RateCounter.objects.get(key="apply:127.0.0.1").count == applicants
    # The limit held across processes: the applications were shared out between both workers.
    assert len(set(_posts_served_by(access_log, after=probes, count=applicants))) == 2
