"""Time the board and a move through the whole stack: `make bench` (its own database file).

Prints the median and 95th percentile of N requests, and each request's SQL query count,
for a job with 30 applications and one with 3,000.
"""

import itertools
import statistics
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.utils import timezone

from pipeline.applications.models import Application
from pipeline.candidates.models import Candidate
from pipeline.setup.services import create_job

from ...setup import create_organization_with_defaults


class Command(BaseCommand):
    help = "Benchmark the board (GET) and a card move (POST) at 30 and 3,000 applications."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, runs, **options):
        tag = uuid.uuid4().hex[:8]
        user = get_user_model().objects.create_user(email=f"bench-{tag}@example.test", password=None)
        organization = create_organization_with_defaults(owner=user, name=f"Bench {tag}", slug=f"bench-{tag}")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        try:
            self.stdout.write(f"{'case':<34}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
            for size in (30, 3000):
                job = self._job(organization, user, size)
                self._row(
                    f"board GET, {size} applications",
                    client,
                    runs,
                    lambda job=job: client.get(f"/jobs/{job.pk}/board/"),
                )
                steps = list(job.stages.all())
                card = Application.objects.filter(job=job, current_stage=steps[0]).first()
                targets = itertools.cycle([steps[1], steps[0]])

                def move(job=job, card=card, targets=targets):
                    stage = next(targets)
                    return client.post(
                        f"/jobs/{job.pk}/board/columns/{stage.pk}/", {"application": [card.pk]}, HTTP_HX_REQUEST="true"
                    )

                self._row(f"move POST (htmx), {size} applications", client, runs, move)
        finally:
            organization.delete()
            user.delete()

    def _job(self, organization, user, size):
        job = create_job(organization=organization, created_by=user, title=f"Bench job {size}")
        job.set_status("open")
        steps = list(job.stages.all())
        now = timezone.now()
        candidates = Candidate.objects.bulk_create(
            Candidate(
                organization=organization,
                first_name=f"Person{i}",
                last_name=f"Job{size}",
                email=f"p{i}-{size}@example.test",
            )
            for i in range(size)
        )
        Application.objects.bulk_create(
            Application(job=job, candidate=c, current_stage=steps[i % len(steps)], position=i, stage_entered_at=now)
            for i, c in enumerate(candidates)
        )
        return job

    def _row(self, label, client, runs, request):
        request()  # warm-up: caches
        # Each request starts by clearing the query log (request_started), so after
        # one request the log holds exactly that request's queries.
        connection.force_debug_cursor = True
        response = request()
        queries = list(connection.queries)
        connection.force_debug_cursor = False
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            request()
            timings.append((time.perf_counter() - start) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
        self.stdout.write(f"{label:<34}{statistics.median(timings):>10.1f}{p95:>9.1f}{len(queries):>9}")
