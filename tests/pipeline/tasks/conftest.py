import pytest

from jobs.models import HiringTeamMember
from pipeline.tasks.models import Task


@pytest.fixture
def make_task(organization):
    """`make_task(**fields)`: a task of the organisation, written directly (no notification)."""

    def make(**fields):
        fields.setdefault("title", "Call the references")
        return Task.objects.create(organization=fields.pop("organization", organization), **fields)

    return make


@pytest.fixture
def task(make_task, application, recruiter):
    """The recruiter's open task about Ada's application."""
    return make_task(application=application, assignee=recruiter, created_by=recruiter, description="Two of them.")


@pytest.fixture
def manager_on_team(job, hiring_manager):
    """The organisation's hiring manager, on the job's hiring team (they see its applications)."""
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    return hiring_manager
