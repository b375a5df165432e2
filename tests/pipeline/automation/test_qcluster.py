"""Stage actions through a real `manage.py qcluster` and a real SMTP server (aiosmtpd): the acceptance path.

Moving into Reference Check gives the recruiter their tasks; into Hired sends the welcome email and
tells the team; a drag into Offer Made asks first, and the offer goes only once a person confirms.
The sweeper is called from here with its clock a minute ahead (the Undo window a person's move
gives candidate emails), so nothing sleeps for it; the worker does the rest on its own.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from ats.bench.processes import stop as stop_process_group
from jobs.models import HiringTeamMember
from notifications.models import Category, Notification
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from pipeline.automation.services import confirm_runs
from pipeline.tasks.models import Task
from tests.factories import ApplicationFactory, MembershipFactory, OrganizationFactory, make_job
from tests.mail.conftest import cluster_client, smtp_server, start_cluster  # noqa: F401 (fixtures)

DEADLINE_SECONDS = 60
HTMX = {"HX-Request": "true"}


def wait_for(condition, what):
    """Bounded polling of an external process (its ORM broker polls every second)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"The worker did not {what} within {DEADLINE_SECONDS}s")


def drag(client, application, stage):
    """The board's drop: the column's ids as they now stand, posted by htmx."""
    url = f"/jobs/{application.job_id}/board/columns/{stage.pk}/"
    return client.post(url, {"application": [application.pk]}, headers=HTMX)


def received_by(smtp_server, address):  # noqa: F811
    return [message for message in smtp_server.messages() if message["To"] == address]


@pytest.mark.django_db(transaction=True)
def test_stage_actions_run_in_a_real_worker(smtp_server, cluster_client, tmp_path, client_for):  # noqa: F811
    organization = OrganizationFactory(name="Acme Corp")
    recruiter = MembershipFactory(organization=organization, role="recruiter", user__name="Rita Recruiter").user
    manager = MembershipFactory(organization=organization, role="hiring_manager", user__name="Hal Manager").user
    job = make_job(organization, title="Data Engineer", created_by=recruiter)
    HiringTeamMember.objects.create(job=job, user=recruiter, role=HiringTeamMember.Role.RECRUITER)
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    stages = {stage.name: stage for stage in job.stages.all()}
    ada, bo = (
        ApplicationFactory(job=job, current_stage=stages["Application Received"], candidate__first_name=name,
                           candidate__email=f"{name.lower()}@example.com")
        for name in ("Ada", "Bo")
    )  # fmt: skip
    client = client_for(manager)

    process = start_cluster(smtp_server, tmp_path / "qcluster.log", workers=1)
    try:
        # Reference Check: two tasks for the recruiter, who hears of them.
        assert drag(client, ada, stages["Reference Check"]).status_code == 200
        wait_for(lambda: Task.objects.filter(application=ada).count() == 2, "make the reference tasks")
        assert set(Task.objects.filter(application=ada).values_list("assignee", flat=True)) == {recruiter.pk}
        wait_for(
            lambda: Notification.objects.filter(recipient=recruiter, category=Category.TASK_ASSIGNED).count() == 2,
            "tell the recruiter of the tasks",
        )

        # Hired: the team hears at once; the welcome waits out the Undo window, then goes.
        assert drag(client, ada, stages["Hired"]).status_code == 200
        wait_for(
            lambda: Notification.objects.filter(recipient=recruiter, category=Category.STAGE_ACTION).exists(),
            "tell the team of the hire",
        )
        assert not Notification.objects.filter(recipient=manager, category=Category.STAGE_ACTION).exists()  # mover
        assert received_by(smtp_server, "ada@example.com") == []
        runner.sweep(now=timezone.now() + timedelta(minutes=1))
        wait_for(lambda: received_by(smtp_server, "ada@example.com"), "send the welcome email")
        [welcome] = received_by(smtp_server, "ada@example.com")
        assert welcome["Subject"] == "Welcome to Acme Corp, Ada!"

        # Offer Made by a drag: it asks, and nothing goes until a person confirms.
        assert drag(client, bo, stages["Offer Made"]).status_code == 200
        offer = ActionRun.objects.get(application=bo, action__stage=stages["Offer Made"])
        assert offer.status == ActionRun.Status.WAITING
        runner.sweep(now=timezone.now() + timedelta(minutes=5))
        confirm_runs(runs=[offer], by=manager, send=True)
        wait_for(lambda: received_by(smtp_server, "bo@example.com"), "send the confirmed offer")
        assert received_by(smtp_server, "bo@example.com")[0]["Subject"] == "Your offer from Acme Corp"
        # Once each, whatever the sweeps; the rest went to the team (their notifications, by email).
        assert (len(received_by(smtp_server, "ada@example.com")), len(received_by(smtp_server, "bo@example.com"))) == (
            1,
            1,
        )
        assert {m["To"] for m in smtp_server.messages()} == {"ada@example.com", "bo@example.com", recruiter.email}
    finally:
        stop_process_group(process)
        print((tmp_path / "qcluster.log").read_text(errors="replace"))  # shown when the test fails
