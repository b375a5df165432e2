import pytest

from jobs.models import HiringTeamMember


@pytest.fixture
def manager_on_team(job, hiring_manager):
    """The organisation's hiring manager, on the job's hiring team (they see its applications)."""
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    return hiring_manager
