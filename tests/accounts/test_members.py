import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def role_url(membership):
    return f"/organization/members/{membership.pk}/role/"


def active_url(membership):
    return f"/organization/members/{membership.pk}/active/"


def change_role(client, membership, role):
    return client.post(role_url(membership), {f"m{membership.pk}-role": role})


@pytest.fixture
def owner_membership(owner, organization):
    return Membership.objects.get(user=owner, organization=organization)


@pytest.fixture
def admin_membership(organization):
    return MembershipFactory(organization=organization, role=Role.ADMIN)


def test_members_page_lists_the_team_with_role_forms(client_for, owner, recruiter, organization):
    recruiter_membership = Membership.objects.get(user=recruiter)

    response = client_for(owner).get("/organization/members/")

    assert response.status_code == 200
    assert f'data-member="{owner.email}"' in response.text
    assert f'data-member="{recruiter.email}"' in response.text
    assert f'name="m{recruiter_membership.pk}-role"' in response.text


def test_interviewer_sees_the_team_but_no_management_forms(client_for, owner, organization):
    interviewer = MembershipFactory(organization=organization, role=Role.INTERVIEWER).user
    InvitationFactory(organization=organization, email="pending@example.com")

    response = client_for(interviewer).get("/organization/members/")

    assert response.status_code == 200
    assert owner.email in response.text
    assert "pending@example.com" in response.text
    assert "/role/" not in response.text
    assert "/revoke/" not in response.text
    assert "Send invitation" not in response.text


def test_owner_changes_a_members_role(client_for, owner, recruiter):
    membership = Membership.objects.get(user=recruiter)

    response = change_role(client_for(owner), membership, Role.HIRING_MANAGER)

    assert response.status_code == 302
    assert response.url == "/organization/members/"
    membership.refresh_from_db()
    assert membership.role == Role.HIRING_MANAGER


def test_admin_changes_a_recruiters_role(client_for, admin_membership, recruiter):
    membership = Membership.objects.get(user=recruiter)

    change_role(client_for(admin_membership.user), membership, Role.ADMIN)

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_admin_cannot_promote_anyone_to_owner(client_for, admin_membership, recruiter):
    membership = Membership.objects.get(user=recruiter)
    client = client_for(admin_membership.user)

    response = change_role(client, membership, Role.OWNER)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.RECRUITER
    assert "Choose a role you are allowed to give." in client.get(response.url).text


def test_last_owner_cannot_be_demoted_by_an_admin(client_for, owner_membership, admin_membership):
    response = change_role(client_for(admin_membership.user), owner_membership, Role.RECRUITER)

    assert response.status_code == 403
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_last_owner_cannot_be_deactivated_by_an_admin(client_for, owner_membership, admin_membership):
    response = client_for(admin_membership.user).post(active_url(owner_membership), {"active": "0"})

    assert response.status_code == 403
    owner_membership.refresh_from_db()
    assert owner_membership.is_active


def test_last_owner_cannot_be_demoted(owner_membership):
    with pytest.raises(ValidationError, match="at least one owner"):
        services.change_role(membership=owner_membership, role=Role.ADMIN)

    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_last_owner_cannot_be_deactivated(owner_membership):
    with pytest.raises(ValidationError, match="last owner"):
        services.set_member_active(membership=owner_membership, active=False)

    owner_membership.refresh_from_db()
    assert owner_membership.is_active


def test_an_inactive_second_owner_does_not_count_as_an_owner(owner_membership, organization):
    MembershipFactory(organization=organization, role=Role.OWNER, is_active=False)

    with pytest.raises(ValidationError):
        services.change_role(membership=owner_membership, role=Role.ADMIN)


def test_with_two_owners_one_can_be_demoted(client_for, owner, owner_membership, organization):
    second = MembershipFactory(organization=organization, role=Role.OWNER)

    response = change_role(client_for(owner), second, Role.ADMIN)

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.role == Role.ADMIN
    assert organization.owner_count() == 1


def test_with_two_owners_one_can_be_deactivated(client_for, owner, organization):
    second = MembershipFactory(organization=organization, role=Role.OWNER)

    client_for(owner).post(active_url(second), {"active": "0"})

    second.refresh_from_db()
    assert not second.is_active
    assert organization.owner_count() == 1


def test_owner_can_promote_a_member_to_owner(client_for, owner, recruiter, organization):
    membership = Membership.objects.get(user=recruiter)

    change_role(client_for(owner), membership, Role.OWNER)

    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    assert organization.owner_count() == 2


def test_admin_cannot_change_an_owner_even_when_there_are_two(client_for, organization, owner, admin_membership):
    second = MembershipFactory(organization=organization, role=Role.OWNER)
    client = client_for(admin_membership.user)

    assert change_role(client, second, Role.RECRUITER).status_code == 403
    assert client.post(active_url(second), {"active": "0"}).status_code == 403

    second.refresh_from_db()
    assert second.role == Role.OWNER
    assert second.is_active


def test_recruiter_cannot_change_roles(client_for, recruiter, organization):
    target = MembershipFactory(organization=organization, role=Role.INTERVIEWER)
    client = client_for(recruiter)

    assert change_role(client, target, Role.ADMIN).status_code == 403
    assert client.post(active_url(target), {"active": "0"}).status_code == 403

    target.refresh_from_db()
    assert target.role == Role.INTERVIEWER
    assert target.is_active


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_nobody_changes_themselves(client_for, organization, role):
    MembershipFactory(organization=organization, role=Role.OWNER)  # so the last-owner rule is not what refuses
    me = MembershipFactory(organization=organization, role=role)
    client = client_for(me.user)

    assert change_role(client, me, Role.RECRUITER).status_code == 403
    assert client.post(active_url(me), {"active": "0"}).status_code == 403

    me.refresh_from_db()
    assert me.role == role
    assert me.is_active


def test_deactivated_member_loses_access(client_for, owner, recruiter):
    membership = Membership.objects.get(user=recruiter)
    recruiter_client = client_for(recruiter)
    assert recruiter_client.get("/").status_code == 200

    response = client_for(owner).post(active_url(membership), {"active": "0"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    dashboard = recruiter_client.get("/")
    assert dashboard.status_code == 302
    assert dashboard.url == "/onboarding/"
    assert recruiter_client.get("/organization/members/").url == "/onboarding/"


def test_reactivated_member_regains_access(client_for, owner, organization):
    membership = MembershipFactory(organization=organization, is_active=False)

    client_for(owner).post(active_url(membership), {"active": "1"})

    membership.refresh_from_db()
    assert membership.is_active
    assert client_for(membership.user).get("/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/organization/members/{member}/role/",
        "/organization/members/{member}/active/",
        "/organization/members/invite/",
        "/organization/invitations/{invitation}/resend/",
        "/organization/invitations/{invitation}/revoke/",
    ],
)
def test_get_on_post_only_endpoints_answers_405(client_for, owner, recruiter, organization, url):
    membership = Membership.objects.get(user=recruiter)
    invitation = Invitation.objects.create(organization=organization, email="x@example.com", expires_at=None)

    response = client_for(owner).get(url.format(member=membership.pk, invitation=invitation.pk))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    membership.refresh_from_db()
    assert membership.is_active
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_accepting_a_stale_invitation_cannot_demote_the_last_owner(client_for, organization, owner):
    """A pending invitation for a former member survives their reactivation; accepting it later must not
    leave the organisation without an owner."""
    second = MembershipFactory(organization=organization, role=Role.OWNER)
    first_client, second_client = client_for(owner), client_for(second.user)
    # Owner 1 deactivates owner 2 and invites them back as a recruiter ...
    first_client.post(active_url(second), {"active": "0"})
    first_client.post("/organization/members/invite/", {"email": second.user.email, "role": "recruiter"})
    # ... then reactivates them directly; the invitation stays pending.
    first_client.post(active_url(second), {"active": "1"})
    # Owner 2 deactivates owner 1 (allowed: two active owners) and is now the only owner.
    second_client.post(active_url(Membership.objects.get(user=owner)), {"active": "0"})
    assert organization.owner_count() == 1
    invitation = Invitation.objects.get(email=second.user.email)

    second_client.post(f"/invitations/{invitation.token}/")

    second.refresh_from_db()
    assert organization.owner_count() == 1
    assert second.role == Role.OWNER
