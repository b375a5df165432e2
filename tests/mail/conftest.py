"""A real SMTP server (aiosmtpd) on a local port, and Django's SMTP backend pointed at it."""

import asyncio
import email
import os
import subprocess
import sys
import threading
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django_q.conf import Conf

from ats import settings as app_settings
from ats.bench.processes import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.hold_at_rcpt:
            await self.server.hold(address)  # the client waits for our reply to RCPT: before DATA
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        held = set(envelope.rcpt_tos) & self.server.hold_in_data
        if held:
            await self.server.hold(*held)  # the data has arrived; the client waits for the final reply
        self.server.received.append(envelope)
        self.server.peers.append(session.peer)
        if self.server.hang_after_data:
            # The message is stored but the reply never comes: the client's timeout decides.
            await asyncio.Event().wait()
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd in a thread. It can be stopped and started again on the same port (an outage)."""

    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received = []  # aiosmtpd envelopes, in arrival order, kept across restarts
        self.hang_after_data = False
        self.peers = []  # (host, port) of the client per received message: one port per connection
        # Recipients whose conversation stops at RCPT or inside DATA, for good; `reached[address]` is set
        # when it does, so a test waits on an event rather than a clock.
        self.hold_at_rcpt = set()
        self.hold_in_data = set()
        self.reached = {}
        self._controller = None

    def reached_event(self, address):
        return self.reached.setdefault(address, threading.Event())

    async def hold(self, *addresses):
        for address in addresses:
            self.reached_event(address).set()
        await asyncio.Event().wait()

    @property
    def connections(self):
        return len(set(self.peers))

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        # A Controller closes its event loop when stopped, so each start needs a new one.
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self):
        """The received messages, parsed (email.message.EmailMessage)."""
        return [email.message_from_bytes(env.original_content, policy=policy.default) for env in self.received]

    def with_message_id(self, message_id):
        return [message for message in self.messages() if message["Message-ID"] == message_id]


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_backend(settings, smtp_server):
    """Django sends through its real SMTP backend to `smtp_server`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


# --- A real worker: the cluster the site runs, on the test database ---------------------------


def worker_database_url():
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


def start_cluster(smtp_server, log_path, *, workers):
    """`manage.py qcluster` with the site's settings on the test database, sending to `smtp_server`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats.settings",  # tests.settings would force sync mode
        "DATABASE_URL": worker_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # the queue's payloads are signed with it
        "DEBUG": "1",
        "REDIS_URL": "",  # the ORM broker
        "Q_WORKERS": str(workers),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "0",
        # Longer than any hold below: the worker is killed while it waits, never timed out.
        "EMAIL_TIMEOUT": "60",
    }
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so its workers stop with it
        )
