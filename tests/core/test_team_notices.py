"""What ats tells when people change: someone put on a hiring team, someone who joined the organisation."""

import pytest

from accounts.models import Membership
from accounts.services import accept_invitation
from jobs.models import HiringTeamMember
from mail.models import EmailMessage
from notifications.models import Category, Notification
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def add_to_team(client, job, membership, role="interviewer"):
    return client.post(f"/jobs/{job.pk}/team/", {"membership": membership.pk, "role": role})


def test_a_member_added_to_a_hiring_team_is_told_in_the_app_and_by_email(client_for, recruiter, organization, job):
    colleague = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER)

    response = add_to_team(client_for(recruiter), job, colleague, role="hiring_manager")

    assert response.status_code == 302
    notification = Notification.objects.get(recipient=colleague.user)
    assert notification.category == Category.TEAM_ADDED
    assert notification.title == f"{recruiter.get_full_name()} added you to the hiring team of {job.title}"
    assert notification.url == f"/jobs/{job.pk}/"
    assert notification.actor == recruiter
    email = EmailMessage.objects.get(to=[colleague.user.email])
    assert email.subject == notification.title


def test_adding_yourself_or_changing_a_role_tells_nobody(client_for, recruiter, organization, job):
    colleague = MembershipFactory(organization=organization)
    HiringTeamMember.objects.create(job=job, user=colleague.user, role=HiringTeamMember.Role.INTERVIEWER)
    own = Membership.objects.get(user=recruiter, organization=organization)

    responses = [
        add_to_team(client_for(recruiter), job, own),
        add_to_team(client_for(recruiter), job, colleague, "recruiter"),
    ]

    assert [r.status_code for r in responses] == [302, 302]
    assert job.team.get(user=colleague.user).role == "recruiter"
    assert not Notification.objects.exists()


def test_accepting_an_invitation_tells_the_admins_only(organization, owner, recruiter):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    invitation = InvitationFactory(organization=organization, role=Membership.Role.INTERVIEWER, invited_by=owner)
    newcomer = UserFactory(email=invitation.email, name="Nia Newcomer")

    accept_invitation(invitation=invitation, user=newcomer)

    told = Notification.objects.filter(category=Category.MEMBER_JOINED)
    assert set(told.values_list("recipient", flat=True)) == {owner.pk, admin.pk}
    assert told.first().title == f"Nia Newcomer joined {organization.name} as interviewer"


def test_a_stale_invitation_of_an_active_member_announces_nothing(organization, owner, recruiter):
    invitation = InvitationFactory(organization=organization, email=recruiter.email, invited_by=owner)

    membership = accept_invitation(invitation=invitation, user=recruiter)

    assert membership.is_active
    assert not Notification.objects.filter(category=Category.MEMBER_JOINED).exists()
