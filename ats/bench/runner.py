"""`make bench`: a fresh database, generated data, the real server, and the figures it gives.

Runs in a process whose settings are the production ones plus BENCH=1 (the Makefile sets them); the
servers it starts inherit the same environment.
"""

import logging
import os
import platform
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string
from django_q.models import OrmQ
from psycopg import sql

from accounts.api_keys import issue_key
from accounts.models import Membership
from mail.models import EmailMessage, EmailTemplate
from mail.services import queue_many
from pipeline.applications.models import Application

from . import dataset, load, processes


@dataclass(frozen=True)
class Plan:
    """How much the bench does: the full run, or QUICK's smaller one."""

    size: dataset.Size
    runs: int  # timed requests per latency figure, after the warm-up
    seconds: int  # per throughput figure
    emails: int
    email_deadline: int  # seconds the workers get to deliver them


FULL = Plan(size=dataset.FULL, runs=20, seconds=15, emails=1000, email_deadline=300)
QUICK = Plan(size=dataset.QUICK, runs=20, seconds=5, emails=200, email_deadline=120)
PDF_BYTES = 200 * 1024
BULK_MOVE_CARDS = 200


def reset_database(say):
    """Drop and re-create the bench's database; refuses one whose name does not say it is a bench's."""
    if not settings.BENCH:
        raise CommandError("Run the bench with BENCH=1 (make bench): it drops and re-creates its database.")
    database = settings.DATABASES["default"]
    name = str(database["NAME"])
    if "bench" not in Path(name).name:
        raise CommandError(f"The bench drops its database: {name!r} has no 'bench' in its name, so it is left alone.")
    connections.close_all()
    if connection.vendor == "sqlite":
        say(f"Database: SQLite, {name} (new)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        say(f"Database: PostgreSQL, {name} on {database['HOST'] or 'localhost'} (dropped and created)")
        server = {key: database[key.upper()] for key in ("host", "port", "user", "password")}
        server = {key: value for key, value in server.items() if value}
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        raise CommandError(f"The bench runs on SQLite or PostgreSQL, not {connection.vendor}.")


def _session_cookie(user):
    """A signed-in session made directly in the database, as django.contrib.auth.login would."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Bench:
    """One run: its plan, the data it made, the server's port, and the figures so far."""

    def __init__(self, plan, *, say):
        self.plan = plan
        self.say = say
        self.figures = {}
        self.workdir = Path(tempfile.mkdtemp(prefix="ats-bench-"))

    def run(self):
        # Other work on the machine skews every figure: the report says how busy it was.
        self.load_average = os.getloadavg()
        reset_database(self.say)
        processes.ensure_ab(self.say)
        self.say("migrate, createcachetable, collectstatic")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        size = self.plan.size
        self.say(
            f"Data: {size.candidates:,} candidates, {size.jobs} jobs, {size.applications:,} applications "
            f"(board jobs: {', '.join(f'{n:,}' for n in size.sized_jobs)})"
        )
        started = time.perf_counter()
        self.data = dataset.generate(size)
        self.say(f"  made in {time.perf_counter() - started:.1f} s")
        # What autovacuum would do in time: statistics for the planner (without them PostgreSQL
        # takes 30,000 fresh rows for one and picks plans for that) and the visibility map that
        # lets index-only scans skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self._settle()
        self.csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        self.cookie = f"{_session_cookie(self.data.owner)}; {settings.CSRF_COOKIE_NAME}={self.csrf}"
        # The bench's own queries are done: the servers get the database to themselves.
        connections.close_all()

        self.port = processes.free_port()
        log = self.workdir / "gunicorn.log"
        server = processes.gunicorn(self.port, log=log)
        try:
            processes.wait_until_healthy(server, f"http://127.0.0.1:{self.port}/health/", log=log)
            self.say(f"gunicorn ({processes.WORKER_CLASS}) on 127.0.0.1:{self.port}; log in {log}")
            self._pages()
            self._throughput()
            self._worker()
        finally:
            processes.stop(server)
        return self.report()

    def _settle(self):
        """Write the new rows out now, not while the figures are taken (a checkpoint, or SQLite's WAL)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                try:
                    cursor.execute("CHECKPOINT")
                except DatabaseError as error:  # needs a superuser (or pg_checkpoint): only noisier without
                    self.say(f"  no checkpoint ({error}); figures may be noisier")
            else:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _request(self, path, **fields):
        return load.Request(self.port, path, **fields)

    def _signed_in(self, extra=None):
        return {"Cookie": self.cookie, **(extra or {})}

    def _board_job(self, index):
        """The job with the board figures' first, second or third number of applications."""
        return self.data.sized_jobs[self.plan.size.sized_jobs[index]]

    def _pages(self):
        runs = self.plan.runs
        for name, count in zip(("board_300", "board_3000", "board_30000"), self.plan.size.sized_jobs, strict=True):
            job = self.data.sized_jobs[count]
            self.say(f"{name}: GET the board of {count:,} applications, {runs} times")
            request = self._request(f"/jobs/{job.pk}/board/", headers=self._signed_in())
            self._figure(name, load.ab_latency(request, runs), request, applications=count)
        self._move(runs)
        self._bulk_move(runs)
        self._apply(runs)
        for name, text in (("search_name", self.data.surname), ("search_skill", self.data.skill)):
            self.say(f"{name}: GET the candidate list searching {text!r}, {runs} times")
            request = self._request(f"/candidates/?{urlencode({'q': text})}", headers=self._signed_in())
            self._figure(name, load.ab_latency(request, runs), request)
        candidate = self.data.interviewed
        self.say(f"candidate_page: GET a candidate's page with their interviews and feedback, {runs} times")
        request = self._request(f"/candidates/{candidate.pk}/", headers=self._signed_in())
        self._figure("candidate_page", load.ab_latency(request, runs), request)
        self._api_applications(runs)

    def _api_applications(self, runs):
        """The JSON API's application list, a page of 50 with their candidates, answers, tags and
        history, as an integration reads it: with a read-only API key of the owner's."""
        membership = Membership.objects.get(user=self.data.owner, organization=self.data.organization)
        _, raw = issue_key(membership=membership, name="Bench", role=membership.role, read_only=True)
        self.say(f"api_applications_50: GET /api/v1/v2/applications/?page_size=50 with an API key, {runs} times")
        request = self._request("/api/v1/v2/applications/?page_size=50", headers={"Authorization": f"Bearer {raw}"})
        self._figure("api_applications_50", load.ab_latency(request, runs), request, applications=50)

    def _figure(self, name, timings, request, **extra):
        self.figures[name] = {**timings, **load.probe(request, expect=200), **extra}

    def _move(self, runs):
        """The drag's POST: one card back and forth between the first two stages, as htmx sends it."""
        job = self._board_job(1)
        first, second = list(job.stages.order_by("order"))[:2]
        card = Application.objects.filter(job=job, current_stage=first).order_by("position").first()
        board = f"http://127.0.0.1:{self.port}/jobs/{job.pk}/board/"
        headers = self._signed_in(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "HX-Current-URL": board,
                "X-CSRFToken": self.csrf,
            }
        )
        body = urlencode({"application": card.pk}).encode()

        def move(index):
            stage = (second, first)[index % 2]
            return self._request(f"/jobs/{job.pk}/board/columns/{stage.pk}/", method="POST", headers=headers, body=body)

        self.say(f"move_3000: POST a card between two columns, {runs} times")
        total = load.WARM_UP + runs
        self.figures["move_3000"] = {
            **load.timed([move(i) for i in range(total)], expect=200),
            **load.probe(move(total), expect=200),
            "applications": self.plan.size.sized_jobs[1],
        }

    def _bulk_move(self, runs):
        """The board's bulk "Move to": 200 selected cards back and forth between the first two stages,
        each move writing their history and their stage actions' runs in one batch (a plain POST,
        answered with a redirect: the figure is the move, not the board drawn after it)."""
        job = self._board_job(1)
        first, second = list(job.stages.order_by("order"))[:2]
        ids = list(
            Application.objects.filter(job=job, current_stage=first).order_by("position").values_list("pk", flat=True)
        )[:BULK_MOVE_CARDS]
        headers = self._signed_in({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf})

        def bulk_move(index):
            stage = (second, first)[index % 2]
            body = urlencode([("action", "move"), ("stage", stage.pk), *(("selected", pk) for pk in ids)]).encode()
            return self._request(f"/jobs/{job.pk}/board/bulk/", method="POST", headers=headers, body=body)

        self.say(f"bulk_move_200: POST a bulk move of {len(ids)} cards between two columns, {runs} times")
        total = load.WARM_UP + runs
        self.figures["bulk_move_200"] = {
            **load.timed([bulk_move(i) for i in range(total)], expect=302),
            **load.probe(bulk_move(total), expect=302),
            "cards": len(ids),
        }

    def _apply(self, runs):
        """The public form with a 200 KB PDF, each time from a new address (one application per person)."""
        job = self.data.jobs[-1]
        pdf = load.padded_pdf(PDF_BYTES)
        path = f"/careers/{self.data.organization.slug}/{job.slug}/apply/"

        def apply(index):
            body, content_type = load.multipart(
                {
                    "first_name": "Bench",
                    "last_name": f"Applicant {index}",
                    "email": f"applicant-{index}@apply.bench.test",
                    "consent": "on",
                    "website": "",  # the honeypot, left empty as people do
                },
                {"resume": ("resume.pdf", "application/pdf", pdf)},
            )
            headers = {
                "Cookie": f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
                "X-CSRFToken": self.csrf,
                "Content-Type": content_type,
            }
            return self._request(path, method="POST", headers=headers, body=body)

        self.say(f"apply: POST the application form with a {PDF_BYTES // 1024} KB PDF, {runs} times")
        total = load.WARM_UP + runs
        self.figures["apply"] = {
            **load.timed([apply(i) for i in range(total)], expect=302),
            **load.probe(apply(total), expect=302),
        }

    def _throughput(self):
        seconds = self.plan.seconds
        job = self.data.jobs[-1]
        static = staticfiles_storage.url("css/app.css")
        for name, request, concurrency in (
            ("careers_job_rps", self._request(f"/careers/{self.data.organization.slug}/{job.slug}/"), 16),
            ("static_rps", self._request(static), 16),
            ("board_rps", self._request(f"/jobs/{self._board_job(1).pk}/board/", headers=self._signed_in()), 8),
        ):
            self.say(f"{name}: ab -c {concurrency} for {seconds} s on {request.path}")
            self.figures[name] = load.ab_throughput(request, concurrency=concurrency, seconds=seconds)

    def _worker(self):
        """Emails queued through the outbox, delivered by two qcluster processes to a local SMTP server."""
        count = self.plan.emails
        # What the pages queued (acknowledgements of the applications) would be delivered too: not measured.
        OrmQ.objects.all().delete()
        logging.getLogger("django-q").setLevel(logging.WARNING)  # not a line per task queued
        template = EmailTemplate.objects.get(organization=self.data.organization, key="acknowledgement")
        recipients = [
            (f"person-{n}@mail.bench.test", {"candidate.first_name": f"Person {n}", "job.title": "Bench"}, None)
            for n in range(count)
        ]
        with processes.smtp_server() as (port, inbox):
            env = {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
            }
            workers = []
            try:
                for n in range(2):
                    log = self.workdir / f"qcluster-{n}.log"
                    workers.append((processes.qcluster(log=log, env=env), log))
                for worker, log in workers:
                    processes.wait_until_running(worker, log=log)
                self.say(f"worker_emails_per_s: {count:,} emails through the outbox, 2 qcluster processes")
                started = time.perf_counter()
                messages = queue_many(organization=self.data.organization, template=template, recipients=recipients)
                ends = time.monotonic() + self.plan.email_deadline
                while inbox.different < count and time.monotonic() < ends:
                    time.sleep(0.05)
                if inbox.different < count:
                    raise CommandError(
                        f"Only {inbox.different} of {count} emails arrived within {self.plan.email_deadline} s."
                    )
                elapsed = inbox.last_at - started
                time.sleep(2)  # a message sent twice would arrive about now
            finally:
                for worker, _ in workers:
                    processes.stop(worker)
            self.figures["worker_emails_per_s"] = {
                "rate": round(count / elapsed, 1),
                "emails": count,
                "seconds": round(elapsed, 2),
                "received": inbox.received,
                "delivered_twice": sum(1 for times in inbox.message_ids.values() if times > 1),
                "not_sent": EmailMessage.objects.filter(pk__in=[m.pk for m in messages])
                .exclude(status=EmailMessage.Status.SENT)
                .count(),
            }

    def report(self):
        return {
            "database": connection.vendor,
            "machine": {**machine(), "load_average_at_start": [round(n, 2) for n in self.load_average]},
            "dataset": {
                "candidates": self.plan.size.candidates,
                "jobs": self.plan.size.jobs,
                "applications": self.plan.size.applications,
                "quick": self.plan is QUICK,
            },
            "figures": self.figures,
        }


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        database_version = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],  # noqa: S607 (git on PATH; no git, no commit)
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "database_version": database_version,
        "server": "gunicorn",
        "worker_class": processes.WORKER_CLASS,
        "processes": processes.PROCESSES,
        "threads": processes.THREADS,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit or None,
    }


COLUMNS = ("figure", "median ms", "p95 ms", "queries", "KB", "rps/rate")


def table(report):
    """The figures as a text table, one row each, blanks where a figure has no such measure."""
    rows = [COLUMNS]
    for name, figure in report["figures"].items():
        rate = figure.get("rps", figure.get("rate"))
        rows.append(
            (
                name,
                _cell(figure.get("median_ms")),
                _cell(figure.get("p95_ms")),
                _cell(figure.get("queries")),
                _cell(figure["bytes"] / 1024 if "bytes" in figure else None),
                _cell(rate),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for row in rows:
        _, *numbers = (cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  ".join([row[0].ljust(widths[0]), *numbers]))
    return "\n".join(lines)


def _cell(value):
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.1f}"
