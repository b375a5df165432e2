"""One integration test with a real `manage.py qcluster` process (not sync mode) and a real SMTP server."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Task

from accounts.models import Membership
from ats.bench.processes import stop as stop_process_group
from mail import services, tasks
from mail.models import EmailMessage
from tests.factories import MembershipFactory, OrganizationFactory
from tests.mail.conftest import start_cluster

DEADLINE_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_a_real_qcluster_delivers_a_queued_message(smtp_server, cluster_client, tmp_path):
    organization = OrganizationFactory()
    # Committed at once (no test transaction), so on_commit enqueues into the ORM queue table.
    message = services.queue_email(
        organization=organization, to=["ada@example.com"], subject="Hello Ada", html="<p>Hello Ada</p>"
    )
    assert OrmQ.objects.count() == 1
    assert smtp_server.received == []

    log_path = tmp_path / "qcluster.log"
    process = start_cluster(smtp_server, log_path, workers=1)
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
        stop_process_group(process)
        # Shown by pytest only when the test fails.
        print(log_path.read_text(errors="replace"))


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_data_delivers_once_and_after_data_ends_unclear_with_retry(
    smtp_server, cluster_client, tmp_path, monkeypatch, settings, client_for
):
    organization = OrganizationFactory()
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    smtp_server.hold_at_rcpt.add("before@example.com")  # the server never gets to DATA
    smtp_server.hold_in_data.add("during@example.com")  # the data is in, the final reply never comes
    before, during = (
        services.queue_email(organization=organization, to=[address], subject="Hello", html="<p>Hello</p>")
        for address in ("before@example.com", "during@example.com")
    )
    log_path = tmp_path / "qcluster.log"
    process = start_cluster(smtp_server, log_path, workers=2)  # one worker per held conversation
    try:
        for address in ("before@example.com", "during@example.com"):
            assert smtp_server.reached_event(address).wait(DEADLINE_SECONDS), f"{address} never reached its hold"
        os.killpg(process.pid, signal.SIGKILL)  # kill -9 of the cluster and both workers, mid-send
        process.wait(timeout=30)
    finally:
        stop_process_group(process)
        print(log_path.read_text(errors="replace"))
    before.refresh_from_db()
    during.refresh_from_db()
    assert (before.status, during.status) == (EmailMessage.Status.SENDING, EmailMessage.Status.SENDING)
    assert before.data_started_at is None and during.data_started_at is not None
    assert smtp_server.received == []

    # Time passes without sleeping: the tries began longer ago than the sweeper waits for a worker.
    EmailMessage.objects.filter(pk__in=[before.pk, during.pk]).update(
        sending_started_at=timezone.now() - services.STUCK_AFTER - timedelta(seconds=1)
    )
    smtp_server.hold_at_rcpt.clear()
    smtp_server.hold_in_data.clear()
    monkeypatch.setattr(Conf, "SYNC", True)  # the sweeper's batches run here, against the same server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = smtp_server.host, smtp_server.port, False
    tasks.deliver_due()
    tasks.deliver_due()  # a second sweep changes nothing

    before.refresh_from_db()
    during.refresh_from_db()
    assert before.status == EmailMessage.Status.SENT
    assert [envelope.rcpt_tos for envelope in smtp_server.received] == [["before@example.com"]]
    assert during.status == EmailMessage.Status.FAILED
    assert "Delivery unclear" in during.last_error and "may have arrived" in during.last_error
    page = client_for(owner).get(reverse("mail:message", args=[during.pk]))
    assert page.status_code == 200
    assert reverse("mail:retry", args=[during.pk]) in page.text
    assert "Delivery unclear" in page.text
