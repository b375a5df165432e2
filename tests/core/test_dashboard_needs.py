"""The dashboard's "what needs you": new applications, mentions, who waits too long, the jobs I'm on, by role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from notifications.models import Notification
from pipeline.applications.models import Application
from pipeline.applications.services import submit_application
from pipeline.candidates.services import add_note
from tests.factories import ApplicationFactory, MembershipFactory, make_job, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organization, django_capture_on_commit_callbacks):
    """Two jobs: the recruiter is on both teams, the hiring manager on the first only."""
    recruiter = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    backend, design = make_job(organization, title="Backend Engineer"), make_job(organization, title="Designer")
    for job in (backend, design):
        HiringTeamMember.objects.create(job=job, user=recruiter, role=HiringTeamMember.Role.RECRUITER)
    HiringTeamMember.objects.create(job=backend, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        for job, name in [(backend, "Ada"), (backend, "Grace"), (design, "Linus")]:
            values = {"first_name": name, "last_name": "Test", "email": f"{name}@example.com"}
            submit_application(job=job, values=values, files={"resume": pdf_upload()})
    return recruiter, manager, backend, design


def test_new_applications_on_my_jobs_are_listed_and_counted(client_for, world):
    recruiter, manager, _backend, _design = world

    recruiters, managers = client_for(recruiter).get("/"), client_for(manager).get("/")

    assert (recruiters.status_code, managers.status_code) == (200, 200)
    assert recruiters.context["new_applications"]["count"] == 3
    assert "Linus Test applied for Designer" in recruiters.text
    assert managers.context["new_applications"]["count"] == 2
    assert "Ada Test applied for Backend Engineer" in managers.text
    assert "Linus" not in managers.text


def test_counts_and_jobs_are_scoped_to_what_the_viewer_may_see(client_for, world):
    recruiter, manager, backend, design = world

    recruiters, managers = client_for(recruiter).get("/"), client_for(manager).get("/")

    assert (recruiters.context["active_applications"], managers.context["active_applications"]) == (3, 2)
    assert (recruiters.context["open_jobs"], managers.context["open_jobs"]) == (2, 1)
    assert [entry["job"] for entry in recruiters.context["my_jobs"]] == [backend, design]
    assert [(entry["job"], entry["total"]) for entry in managers.context["my_jobs"]] == [(backend, 2)]
    first = managers.context["my_jobs"][0]["stages"][0]
    assert (first["stage"].name, first["count"]) == (backend.stages.first().name, 2)


def test_opening_the_dashboard_marks_nothing_read(client_for, world):
    recruiter = world[0]

    response = client_for(recruiter).get("/")

    assert response.status_code == 200
    assert Notification.objects.filter(recipient=recruiter, read_at__isnull=True).count() == 3


def test_an_opened_application_leaves_the_list(client_for, world):
    recruiter = world[0]
    client = client_for(recruiter)
    first = Notification.objects.filter(recipient=recruiter).order_by("pk").first()

    opened = client.post(f"/notifications/{first.pk}/open/")

    assert opened.status_code == 302
    assert client.get("/").context["new_applications"]["count"] == 2


def test_applications_past_their_stage_limit_are_waiting_too_long(client_for, world):
    recruiter, manager, backend, _design = world
    stage = backend.stages.first()
    stage.stale_after_days = 3
    stage.save()
    late = Application.objects.get(candidate__first_name="Ada")
    Application.objects.filter(pk=late.pk).update(stage_entered_at=timezone.now() - timedelta(days=4))
    recent = timezone.now() - timedelta(days=2)
    Application.objects.filter(candidate__first_name="Grace").update(stage_entered_at=recent)

    recruiters, managers = client_for(recruiter).get("/"), client_for(manager).get("/")

    assert recruiters.context["stuck"]["rows"] == [late]
    assert managers.context["stuck"]["count"] == 1
    assert "Ada Test" in managers.text


def test_a_mention_shows_until_read(client_for, world, organization, django_capture_on_commit_callbacks):
    recruiter, manager, _backend, _design = world
    application = Application.objects.get(candidate__first_name="Ada")
    manager.name = "Morgan Manager"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        add_note(candidate=application.candidate, author=recruiter, body="@morgan thoughts?", application=application)

    response = client_for(manager).get("/")

    assert response.context["mentions"]["count"] == 1
    assert "mentioned you in a note on Ada Test" in response.text


def test_an_interviewer_sees_nothing_of_the_organisation(client_for, world, organization):
    """Their dashboard is their interviews and tasks (tests/core/test_dashboard_interviews.py)."""
    interviewer = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user
    HiringTeamMember.objects.create(job=world[2], user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)
    ApplicationFactory(job=world[2])

    response = client_for(interviewer).get("/")

    assert response.status_code == 200
    assert response.context["interviewer_home"] is True
    for name in ("new_applications", "mentions", "stuck", "my_jobs", "active_applications", "open_jobs"):
        assert name not in response.context
    assert "Active applications you see" not in response.text
    assert "No interviews yet" in response.text
