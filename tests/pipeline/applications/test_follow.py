"""Following an application's news from the candidate page: Follow, Unfollow, and who may."""

import pytest

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.applications.models import Follow
from pipeline.applications.notices import followers
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def follow(client, application, following="1"):
    return client.post(f"/applications/{application.pk}/follow/", {"following": following})


def test_following_adds_the_member_to_the_applications_followers(client_for, recruiter, application):
    response = follow(client_for(recruiter), application)

    assert response.status_code == 302
    assert response.url == f"/candidates/{application.candidate_id}/#application-{application.pk}"
    assert recruiter in followers(application)
    page = client_for(recruiter).get(response.url)
    assert "Following" in page.text


def test_a_team_member_follows_by_default_and_can_unfollow(client_for, organization, job, application):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    assert manager in followers(application)

    response = follow(client_for(manager), application, following="0")

    assert response.status_code == 302
    assert Follow.objects.get(user=manager).following is False
    assert manager not in followers(application)
    page = client_for(manager).get(response.url)
    assert ">Follow<" in page.text


def test_someone_who_may_not_see_it_gets_404(client_for, organization, application):
    outsider = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user

    response = follow(client_for(outsider), application)

    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_following_needs_a_post(client_for, recruiter, application):
    response = client_for(recruiter).get(f"/applications/{application.pk}/follow/")

    assert response.status_code == 405
