"""Members with distinct first names (so an @mention names one person) and a way onto a job's team."""

import pytest

from accounts.models import Membership
from jobs.models import HiringTeamMember
from tests.factories import MembershipFactory


@pytest.fixture
def member(organization):
    """`member(role, name)`: an active member of the organisation with that role and full name."""

    def make(role=Membership.Role.RECRUITER, name="Rita Recruiter", organization=organization, **fields):
        return MembershipFactory(organization=organization, role=role, user__name=name, **fields).user

    return make


@pytest.fixture
def on_team():
    """`on_team(job, user)`: puts `user` on the job's hiring team."""

    def put(job, user, role=HiringTeamMember.Role.RECRUITER):
        return HiringTeamMember.objects.create(job=job, user=user, role=role)

    return put
