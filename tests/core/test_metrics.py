"""/metrics/: who may read it, what it counts, and the counts of two real gunicorn workers added up."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django_q.brokers import get_broker
from prometheus_client.parser import text_string_to_metric_families

from ats import settings as site_settings
from ats.bench.processes import free_port
from ats.bench.processes import stop as stop_process_group
from mail.models import EmailMessage
from pipeline.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.mail.conftest import worker_database_url

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60
OPS_TOKEN = "ops-token-for-tests"
PUBLIC_ADDRESS = "93.184.216.34"  # a routable address (documentation ranges count as private)


def samples(text):
    """{(sample name, frozenset of labels): value} from Prometheus text."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_counted(text, view, method="GET", status="2xx"):
    key = ("ats_http_requests_total", frozenset({"view": view, "method": method, "status": status}.items()))
    return samples(text).get(key, 0)


def scrape(client, **headers):
    response = client.get("/metrics/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def _message(status):
    return EmailMessage.objects.create(
        to=["someone@example.com"], from_email="ats@example.com", subject="Hi", status=status
    )


# --- Who may read it ---------------------------------------------------------------------------


def test_a_private_address_reads_it_without_a_token(client):
    # The test client's REMOTE_ADDR is 127.0.0.1: a scraper on the same machine or network.
    assert "ats_http_requests_total" in scrape(client)
    assert "ats_http_requests_total" in scrape(client, REMOTE_ADDR="10.1.2.3")


def test_a_public_address_gets_404_without_the_token(client, settings):
    settings.OPS_TOKEN = OPS_TOKEN

    assert client.get("/metrics/", REMOTE_ADDR=PUBLIC_ADDRESS).status_code == 404
    wrong = client.get("/metrics/", REMOTE_ADDR=PUBLIC_ADDRESS, HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 404


def test_a_public_address_reads_it_with_the_ops_token(client, settings):
    settings.OPS_TOKEN = OPS_TOKEN

    text = scrape(client, REMOTE_ADDR=PUBLIC_ADDRESS, HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}")

    assert "ats_outbox_messages" in text


def test_no_token_set_lets_no_public_address_in(client, settings):
    settings.OPS_TOKEN = ""

    assert client.get("/metrics/", REMOTE_ADDR=PUBLIC_ADDRESS, HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_staff_read_it_from_anywhere(client_for, django_user_model):
    staff = django_user_model.objects.create_user(email="ops@example.com", password="x", is_staff=True)

    assert "ats_queue_depth" in scrape(client_for(staff), REMOTE_ADDR=PUBLIC_ADDRESS)


def test_a_member_from_a_public_address_gets_404(client_for, owner):
    assert client_for(owner).get("/metrics/", REMOTE_ADDR=PUBLIC_ADDRESS).status_code == 404


def test_behind_the_proxy_the_address_it_appended_decides(client, settings):
    # The rate limiter's rule: the last X-Forwarded-For entry is our proxy's; earlier ones are the client's.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_PROTO": "https"}

    assert client.get("/metrics/", HTTP_X_FORWARDED_FOR=PUBLIC_ADDRESS, **proxy).status_code == 404
    assert client.get("/metrics/", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {PUBLIC_ADDRESS}", **proxy).status_code == 404
    assert client.get("/metrics/", HTTP_X_FORWARDED_FOR=f"{PUBLIC_ADDRESS}, 10.9.9.9", **proxy).status_code == 200
    assert client.get("/metrics/", HTTP_X_FORWARDED_FOR="not-an-address", **proxy).status_code == 404


def test_it_refuses_post(client):
    assert client.post("/metrics/").status_code == 405


def test_it_is_not_cached(client):
    assert "no-cache" in client.get("/metrics/")["Cache-Control"]


# --- What it counts (one process: the test's) ----------------------------------------------------


def test_requests_are_counted_by_view_name_not_path(client_for, recruiter, application):
    client = client_for(recruiter)
    view = "pipeline:candidate"
    before = requests_counted(scrape(client), view)

    assert client.get(f"/candidates/{application.candidate_id}/").status_code == 200
    assert client.get("/candidates/999999999/").status_code == 404
    text = scrape(client)

    assert requests_counted(text, view) == before + 1
    assert requests_counted(text, view, status="4xx") >= 1
    assert f"/candidates/{application.candidate_id}/" not in text
    assert "999999999" not in text


def test_unnamed_routes_are_counted_by_route_and_unknown_paths_under_one_label(client):
    before = scrape(client)

    assert client.get("/api/v1/health/").status_code == 200
    assert client.get("/no/such/page/12345/").status_code == 404
    after = scrape(client)

    assert requests_counted(after, "api/v1/health/") == requests_counted(before, "api/v1/health/") + 1
    assert (
        requests_counted(after, "<unmatched>", status="4xx")
        == requests_counted(before, "<unmatched>", status="4xx") + 1
    )
    assert "no/such/page" not in after


def test_static_files_are_counted_under_one_label(client):
    before = requests_counted(scrape(client), "static")

    assert client.get("/static/css/app.css").status_code == 200

    assert requests_counted(scrape(client), "static") == before + 1


def test_latency_is_observed_per_view(client):
    key = ("ats_http_request_duration_seconds_count", frozenset({"view": "health", "method": "GET"}.items()))
    before = samples(scrape(client)).get(key, 0)

    client.get("/health/")

    assert samples(scrape(client))[key] == before + 1


def test_the_outbox_is_counted_by_status_with_zeros(client):
    for status in ["queued", "queued", "failed", "sent"]:
        _message(status)

    values = samples(scrape(client))

    outbox = {
        status: values[("ats_outbox_messages", frozenset({"status": status}.items()))]
        for status in EmailMessage.Status.values
    }
    assert outbox == {"queued": 2, "sending": 0, "sent": 1, "failed": 1}


def test_the_queue_depth_counts_waiting_tasks(client):
    get_broker().enqueue("task-1")
    get_broker().enqueue("task-2")

    assert samples(scrape(client))[("ats_queue_depth", frozenset())] == 2


def _deliveries(organization, *statuses):
    endpoint = WebhookEndpoint.objects.create(organization=organization, url="https://hooks.example.com/ats")
    for number, status in enumerate(statuses):
        WebhookDelivery.objects.create(
            endpoint=endpoint, event="application.hired", source=f"event:{number}", status=status
        )


def test_failed_webhook_deliveries_are_counted(client, organization):
    assert samples(scrape(client))[("ats_webhook_deliveries_failed", frozenset())] == 0

    _deliveries(organization, "failed", "pending", "succeeded", "failed")

    assert samples(scrape(client))[("ats_webhook_deliveries_failed", frozenset())] == 2


# --- Two gunicorn workers, as the Procfile runs them --------------------------------------------


def _get(url, headers=None):
    """(status, body), or (None, "") while nothing listens."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (our own local server)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


def _pids(log_path):
    """The worker pids of the requests logged so far (the access log format below starts with the pid)."""
    return {line.split()[1] for line in log_path.read_text().splitlines() if line.startswith("access ")}


@pytest.fixture
def procfile_web(transactional_db, tmp_path):
    """The Procfile's `web:` command, two workers, on the test database, behind a proxy (BEHIND_PROXY).

    Yields (base URL, log path, how many /health/ answers it took for both workers to answer one).
    """
    port = free_port()
    command = next(
        line.removeprefix("web: ")
        for line in (REPO_ROOT / "Procfile").read_text().splitlines()
        if line.startswith("web: ")
    )
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "ats.settings",
        "DATABASE_URL": worker_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1",
        "REDIS_URL": "",
        "BEHIND_PROXY": "1",
        "OPS_TOKEN": OPS_TOKEN,
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        # Not on the Procfile's command line, so it adds to it: each access line starts with the worker's pid.
        "GUNICORN_CMD_ARGS": "--access-logformat 'access %(p)s %(r)s %(s)s'",
    }
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (the Procfile's own command)
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        answered = 0
        # Bounded polling of an external process: ready when both workers have answered /health/.
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, f"gunicorn exited early:\n{log.read_text(errors='replace')}"
            status, _ = _get(f"{base}/health/")
            answered += status == 200
            if answered and len(_pids(log)) == 2:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"gunicorn's two workers did not both answer within {DEADLINE_SECONDS}s")
        yield base, log, answered
    finally:
        stop_process_group(process)
        print(log.read_text(errors="replace"))  # shown by pytest only when the test fails


def _wait_for_logged(log, count):
    """A worker logs a request once it has answered it: wait until `count` are logged."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if sum(line.startswith("access ") for line in log.read_text().splitlines()) >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"gunicorn did not log {count} requests")


@pytest.mark.django_db(transaction=True)
def test_two_workers_counts_add_up_and_the_gauges_read_the_database(procfile_web, organization):
    base, log, answered = procfile_web
    for status in ["queued", "failed", "failed"]:
        _message(status)
    _deliveries(organization, "failed", "succeeded")
    get_broker(site_settings.Q_CLUSTER["name"]).enqueue("task-1")  # the site's queue, not the tests' own

    # Private (loopback, as the proxy would be, with no forwarded address): no token needed.
    status, text = _get(f"{base}/metrics/")

    assert status == 200
    assert len(_pids(log)) == 2  # both workers answered /health/, each counting in its own files
    values = samples(text)
    health = frozenset({"view": "health", "method": "GET", "status": "2xx"}.items())
    assert values[("ats_http_requests_total", health)] == answered
    assert (
        values[("ats_http_request_duration_seconds_count", frozenset({"view": "health", "method": "GET"}.items()))]
        == answered
    )
    assert values[("ats_outbox_messages", frozenset({"status": "queued"}.items()))] == 1
    assert values[("ats_outbox_messages", frozenset({"status": "failed"}.items()))] == 2
    assert values[("ats_outbox_messages", frozenset({"status": "sent"}.items()))] == 0
    assert values[("ats_queue_depth", frozenset())] == 1
    assert values[("ats_webhook_deliveries_failed", frozenset())] == 1

    # The scrape itself is counted, by whichever worker answered it: the next scrape sees it.
    _wait_for_logged(log, answered + 1)
    _, text = _get(f"{base}/metrics/")
    assert requests_counted(text, "metrics") == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_refuse_a_public_address_without_the_token(procfile_web):
    base, _, _ = procfile_web
    public = {"X-Forwarded-For": PUBLIC_ADDRESS, "X-Forwarded-Proto": "https"}

    assert _get(f"{base}/metrics/", public)[0] == 404
    assert _get(f"{base}/metrics/", {**public, "Authorization": "Bearer not-the-token"})[0] == 404
    status, text = _get(f"{base}/metrics/", {**public, "Authorization": f"Bearer {OPS_TOKEN}"})
    assert status == 200
    assert "ats_http_requests_total" in text
