"""An owner of one organisation can neither see nor change another's members, invitations or settings."""

import pytest
from django.core import mail

from accounts.models import Invitation, Membership, Organization
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_member(other_organization):
    return MembershipFactory(organization=other_organization, role=Membership.Role.RECRUITER)


@pytest.fixture
def foreign_invitation(other_organization):
    return InvitationFactory(organization=other_organization, email="globex-invitee@example.com")


def test_changing_another_organisations_member_role_is_404(client_for, owner, foreign_member):
    response = client_for(owner).post(
        f"/organization/members/{foreign_member.pk}/role/", {f"m{foreign_member.pk}-role": "admin"}
    )

    assert response.status_code == 404
    foreign_member.refresh_from_db()
    assert foreign_member.role == Membership.Role.RECRUITER


def test_deactivating_another_organisations_member_is_404(client_for, owner, foreign_member):
    response = client_for(owner).post(f"/organization/members/{foreign_member.pk}/active/", {"active": "0"})

    assert response.status_code == 404
    foreign_member.refresh_from_db()
    assert foreign_member.is_active


def test_resending_another_organisations_invitation_is_404(
    client_for, owner, foreign_invitation, django_capture_on_commit_callbacks
):
    expires_at = foreign_invitation.expires_at

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(f"/organization/invitations/{foreign_invitation.pk}/resend/")

    assert response.status_code == 404
    assert mail.outbox == []
    foreign_invitation.refresh_from_db()
    assert foreign_invitation.expires_at == expires_at
    assert foreign_invitation.invited_by is None


def test_revoking_another_organisations_invitation_is_404(client_for, owner, foreign_invitation):
    response = client_for(owner).post(f"/organization/invitations/{foreign_invitation.pk}/revoke/")

    assert response.status_code == 404
    assert Invitation.objects.filter(pk=foreign_invitation.pk).exists()


def test_settings_page_edits_only_the_own_organisation(client_for, owner, organization, other_organization):
    response = client_for(owner).post(
        "/organization/",
        {
            "name": "Acme Renamed",
            "slug": "acme-renamed",
            "brand_colour": "#123456",
            "data_retention_days": "90",
            "timezone": "UTC",
        },
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Acme Renamed"
    other = Organization.objects.get(pk=other_organization.pk)
    assert (other.name, other.slug, other.data_retention_days) == (
        other_organization.name,
        other_organization.slug,
        other_organization.data_retention_days,
    )


def test_settings_page_shows_the_own_organisation(client_for, owner, organization, other_organization):
    response = client_for(owner).get("/organization/")

    assert response.status_code == 200
    assert f'value="{organization.slug}"' in response.text
    assert other_organization.slug not in response.text


def test_members_page_lists_only_the_own_organisations_people(
    client_for, owner, recruiter, foreign_member, foreign_invitation, organization
):
    own_invitation = InvitationFactory(organization=organization, email="acme-invitee@example.com")

    response = client_for(owner).get("/organization/members/")

    assert response.status_code == 200
    assert recruiter.email in response.text
    assert own_invitation.email in response.text
    assert foreign_member.user.email not in response.text
    assert foreign_invitation.email not in response.text
    assert "Globex" not in response.text


def test_a_session_pointing_at_a_foreign_organisation_falls_back_to_the_own_one(
    client_for, owner, organization, other_organization
):
    client = client_for(owner)
    session = client.session
    session["organization_id"] = other_organization.pk
    session.save()

    response = client.get("/")

    assert response.status_code == 200
    assert organization.name in response.text
    assert other_organization.name not in response.text
