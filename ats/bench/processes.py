"""The processes the bench runs beside itself: gunicorn, qcluster workers, ab, and an SMTP server."""

import contextlib
import email.parser
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import CommandError

# The site as the Procfile's `web:` serves it (gunicorn's ASGI worker: pages and sockets on one port);
# BENCH_SERVER=wsgi measures the WSGI way step 8 served it (one gthread worker, four threads) to compare.
# Two processes, as the Procfile runs by default (WEB_CONCURRENCY); BENCH_PROCESSES changes it.
SERVER = os.environ.get("BENCH_SERVER", "asgi")
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))
WORKER_CLASS, THREADS = ("asgi", None) if SERVER == "asgi" else ("gthread", 4)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(args, *, log, env=None):
    """A child in a group of its own (so stop() can reach its workers), its output in the file `log`."""
    with open(log, "wb") as out:
        return subprocess.Popen(  # noqa: S603 (our own command lines)
            args,
            cwd=settings.BASE_DIR,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process):
    """SIGTERM to the main process, wait for it; then SIGKILL to whatever of its group is left.

    Only the main process gets SIGTERM: gunicorn's master and qcluster's sentinel each stop their own
    workers, and a qcluster whose workers are killed under it waits for them until it is killed.
    The process must lead its own group (`start_new_session=True`, as `start` does). Tests use it too.
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _tail(log):
    with open(log, errors="replace") as file:
        return "".join(file.readlines()[-30:])


def gunicorn(port, *, log):
    """The site as production runs it (SERVER): one process, its pages and its sockets on one port."""
    if SERVER == "asgi":
        app = ["ats.asgi:application", "--worker-class", WORKER_CLASS]
    else:
        app = ["ats.wsgi:application", "--worker-class", WORKER_CLASS, "--threads", str(THREADS)]
    return start(
        [
            sys.executable, "-m", "gunicorn", *app,
            "--bind", f"127.0.0.1:{port}", "--workers", str(PROCESSES),
            "--timeout", "120",
            # Its default path is one per user: it would clash with another gunicorn on this machine.
            "--no-control-socket",
        ],
        log=log,
    )  # fmt: skip


def wait_until_healthy(process, url, *, log, deadline=60):
    """Poll the health probe until it answers 200; a server that exits or stays unhealthy is an error."""
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        if process.poll() is not None:
            raise CommandError(f"gunicorn exited ({process.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own http URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise CommandError(f"{url} did not answer 200 within {deadline} s:\n{_tail(log)}")


def qcluster(*, log, env):
    return start([sys.executable, "manage.py", "qcluster"], log=log, env=env)


def wait_until_running(process, *, log, deadline=60):
    """django-q2 logs "Q Cluster ... running." once its workers wait for tasks."""
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        if process.poll() is not None:
            raise CommandError(f"qcluster exited ({process.returncode}):\n{_tail(log)}")
        with open(log, errors="replace") as file:
            if "running." in file.read():
                return
        time.sleep(0.2)
    raise CommandError(f"qcluster did not start within {deadline} s:\n{_tail(log)}")


def ensure_ab(say):
    """ab (apache2-utils) is the load generator; install it when this machine lacks it and we may."""
    if shutil.which("ab"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise CommandError("ab is missing: install apache2-utils (apt-get install apache2-utils), then run again.")
    install = ["apt-get", "install", "-y", "apache2-utils"]
    say(f"ab is missing: {' '.join(install)}")
    # Fixed command lines, apt-get found on PATH as a person typing them would.
    if subprocess.run(install, check=False).returncode != 0:  # noqa: S603
        say("That failed: apt-get update, then again")
        subprocess.run(["apt-get", "update"], check=False)  # noqa: S607
        subprocess.run(install, check=False)  # noqa: S603
    if not shutil.which("ab"):
        raise CommandError("Could not install apache2-utils with apt-get: install it by hand, then run again.")


class _Inbox:
    """aiosmtpd's handler: keeps each message's Message-ID and the time it arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.message_ids = Counter()
        self.last_at = None

    async def handle_DATA(self, server, session, envelope):
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids[headers.get("Message-ID", "")] += 1
            self.last_at = time.perf_counter()
        return "250 Message accepted for delivery"

    @property
    def received(self):
        with self.lock:
            return sum(self.message_ids.values())

    @property
    def different(self):
        """Messages counted once however often they arrived."""
        with self.lock:
            return len(self.message_ids)


@contextlib.contextmanager
def smtp_server():
    """A local SMTP server in a thread; yields (port, inbox)."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each command at INFO
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()
