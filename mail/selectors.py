"""Read queries over the outbox that more than one page (and the JSON API) answer from."""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import EmailMessage


def _rates(row):
    sent = row["sent"] or 0
    row["open_rate"] = round(100 * row["opened"] / sent) if sent else 0
    row["click_rate"] = round(100 * row["clicked"] / sent) if sent else 0
    done = sent + (row["failed"] or 0)
    row["failure_rate"] = round(100 * row["failed"] / done) if done else 0
    return row


COUNTS = {
    "total": Count("pk"),
    "sent": Count("pk", filter=Q(status=EmailMessage.Status.SENT)),
    "failed": Count("pk", filter=Q(status=EmailMessage.Status.FAILED)),
    "opened": Count("pk", filter=Q(opened_at__isnull=False)),
    "clicked": Count("pk", filter=Q(clicked_at__isnull=False)),
}


def analytics_data(organization, *, days=30):
    """Totals and rates overall, per template and per day (the JSON API reads the same).

    Test sends (a template's "send a test to me") are left out: they say nothing about what candidates do.
    """
    emails = EmailMessage.objects.filter(organization=organization, is_test=False)
    totals = _rates(emails.aggregate(**COUNTS))
    per_template = [
        _rates(row) for row in emails.values("template__name").annotate(**COUNTS).order_by("-total", "template__name")
    ]
    # Days are the organisation's, whoever looks: filtered from an aware bound, grouped in its zone.
    since = organization.local_date(timezone.now()) - timedelta(days=days - 1)
    per_day = {
        row["day"]: row
        for row in emails.filter(created_at__gte=organization.day_start(since))
        .annotate(day=TruncDate("created_at", tzinfo=organization.zone))
        .values("day")
        .annotate(**COUNTS)
        .order_by("day")
    }
    empty = dict.fromkeys(COUNTS, 0)
    days_rows = [_rates({"day": since + timedelta(days=i), **per_day.get(since + timedelta(days=i), empty)})
                 for i in range(days)]  # fmt: skip
    return {"totals": totals, "per_template": per_template, "per_day": days_rows}


def queue_status(organization):
    """The organisation's outbox by status, and whether the worker is alive (the queue page and the API)."""
    from django_q.models import Success

    counts = dict(
        EmailMessage.objects.filter(organization=organization).values_list("status").annotate(n=Count("pk")).order_by()
    )
    last = Success.objects.order_by("-stopped").values_list("stopped", flat=True).first()
    return {
        "queued": counts.get(EmailMessage.Status.QUEUED, 0),
        "sending": counts.get(EmailMessage.Status.SENDING, 0),
        "failed": counts.get(EmailMessage.Status.FAILED, 0),
        "sent": counts.get(EmailMessage.Status.SENT, 0),
        "tasks_waiting": tasks_waiting(),
        "worker_last_seen": last,
        # The worker runs a scheduled task every minute; silence for five means it is down.
        "worker_ok": bool(last and timezone.now() - last < timedelta(minutes=5)),
    }


def tasks_waiting():
    """Tasks waiting in the broker (the database's queue, or Redis with REDIS_URL); None when it can't be reached."""
    from django_q.brokers import get_broker

    try:
        return get_broker().queue_size()
    except Exception:  # a broker that is down is a state to show, not an error page
        return None
