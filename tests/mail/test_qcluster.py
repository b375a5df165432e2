"""One integration test with a real `manage.py qcluster` process (not sync mode) and a real SMTP server."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_q.conf import Conf
from django_q.models import OrmQ, Task

from ats import settings as app_settings
from mail import services
from mail.models import EmailMessage
from tests.factories import OrganizationFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60


def _test_database_url():
    """The test database (not the development one) as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"  # an absolute path: four slashes in all
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
    pytest.fail(f"No worker test for the {db['ENGINE']} backend")


@pytest.fixture
def cluster_client(monkeypatch):
    """This process enqueues like a web process talking to the real cluster.

    The test settings make django-q2 run tasks in the calling process under another queue name;
    the worker reads ats.settings, so the name and the signing salt must be the ones it uses.
    """
    name = app_settings.Q_CLUSTER["name"]
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "PREFIX", name)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)


def _stop(process):
    """SIGTERM to the cluster's main process, which stops its workers; SIGKILL to its group if it lingers.

    Only the main process gets SIGTERM: sent to the whole group, the workers die under the
    sentinel and it waits for them until killed.
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind


@pytest.mark.django_db(transaction=True)
def test_a_real_qcluster_delivers_a_queued_message(smtp_server, cluster_client, tmp_path):
    organization = OrganizationFactory()
    # Committed at once (no test transaction), so on_commit enqueues into the ORM queue table.
    message = services.queue_email(
        organization=organization, to=["ada@example.com"], subject="Hello Ada", html="<p>Hello Ada</p>"
    )
    assert OrmQ.objects.count() == 1
    assert smtp_server.received == []

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats.settings",  # tests.settings would force sync mode
        "DATABASE_URL": _test_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # the queue's payloads are signed with it
        "DEBUG": "1",
        "REDIS_URL": "",  # the ORM broker
        "Q_WORKERS": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
    }
    log_path = tmp_path / "qcluster.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so its workers stop with it
        )
    try:
        # Bounded polling of an external process (its ORM broker polls every second).
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, "qcluster exited early"
            message.refresh_from_db()
            if message.status == EmailMessage.Status.SENT and Task.objects.filter(func="mail.tasks.deliver").exists():
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"qcluster did not deliver within {DEADLINE_SECONDS}s (status {message.status!r})")

        assert len(smtp_server.received) == 1
        assert smtp_server.received[0].rcpt_tos == ["ada@example.com"]
        assert smtp_server.messages()[0]["Message-ID"] == message.message_id
        assert message.attempts == 1
        assert message.sent_at is not None
        assert Task.objects.get(func="mail.tasks.deliver").success
        assert OrmQ.objects.count() == 0
    finally:
        _stop(process)
        # Shown by pytest only when the test fails.
        print(log_path.read_text(errors="replace"))
