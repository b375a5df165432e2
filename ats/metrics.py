"""What the site measures for Prometheus (`/metrics/`): requests by view, and the state of its queues.

Requests are counted by a middleware, labelled by the resolved view's name (its route when it has
none), never the raw path: ids in paths would make a series per object. Under gunicorn each worker is
its own process, so with PROMETHEUS_MULTIPROC_DIR set (ats/gunicorn.py sets it) every worker writes
its counts to files in that folder and a scrape adds them up; without it (runserver, tests) one
process counts in memory. prometheus-client chooses between the two when it is first imported, from
the environment, which is why the choice is read from there and not from settings.

The queue depth, the outbox by status and the failed webhook deliveries are read from the database
at scrape time, one query each, so every worker answers the same numbers.
"""

import os
import time

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from mail.models import EmailMessage
from mail.selectors import tasks_waiting
from pipeline.webhooks.models import WebhookDelivery

# registry=None: which registry reads them depends on the mode (see registry()).
REQUESTS = Counter(
    "ats_http_requests",
    "Requests answered, by view, method and status class.",
    ["view", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "ats_http_request_duration_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method"],
    registry=None,
)
UNMATCHED = "<unmatched>"  # a path no URL pattern matches: one label for all of them


def view_label(request):
    """The view's URL name (namespaced), else its route: bounded, whatever paths clients send."""
    match = request.resolver_match
    if match is None:  # whitenoise answered before URL resolution, or no pattern matched
        return "static" if request.path_info.startswith(settings.STATIC_URL) else UNMATCHED
    return match.view_name if match.url_name else match.route


class MetricsMiddleware:
    """Counts every request and its latency; first in MIDDLEWARE, so the time is the whole stack's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        LATENCY.labels(view, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(view, request.method, f"{response.status_code // 100}xx").inc()
        return response


class StateCollector:
    """The queues' state, asked of the database when scraped."""

    def collect(self):
        depth = tasks_waiting()
        if depth is not None:
            yield GaugeMetricFamily("ats_queue_depth", "Tasks waiting for a worker.", value=depth)
        try:
            yield self._outbox()
            yield GaugeMetricFamily(
                "ats_webhook_deliveries_failed",
                "Webhook deliveries that failed for good (every retry spent).",
                value=WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).count(),
            )
        except DatabaseError:
            return  # the database is down: /health/ says so; the request counts are still worth scraping

    @staticmethod
    def _outbox():
        counts = dict(EmailMessage.objects.order_by().values_list("status").annotate(Count("id")))
        family = GaugeMetricFamily("ats_outbox_messages", "Emails in the outbox, by status.", labels=["status"])
        for status in EmailMessage.Status.values:  # every status, a zero included, so series don't vanish
            family.add_metric([status], counts.get(status, 0))
        return family


def registry():
    """A registry for one scrape: every worker's counts (multiprocess mode) or this process's, and the state."""
    scrape = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(scrape)
    else:
        scrape.register(REQUESTS)
        scrape.register(LATENCY)
    scrape.register(StateCollector())
    return scrape


def render():
    return generate_latest(registry())
