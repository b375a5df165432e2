from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib import auth
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITE_URL = "/organization/members/invite/"
NEW_ACCOUNT = {"name": "Grace Hopper", "password1": "compiler-a0-1952", "password2": "compiler-a0-1952"}


def test_owner_invites_by_email_and_the_link_is_mailed(
    client_for, owner, organization, django_capture_on_commit_callbacks
):
    client = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE_URL, {"email": "Grace@Example.com", "role": "hiring_manager"})

    assert response.status_code == 302
    assert response.url == "/organization/members/"
    invitation = Invitation.objects.get()
    assert invitation.organization == organization
    assert invitation.email == "grace@example.com"
    assert invitation.role == Membership.Role.HIRING_MANAGER
    assert invitation.invited_by == owner
    assert invitation.accepted_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grace@example.com"]
    assert organization.name in message.subject
    assert invitation.get_absolute_url() in message.body
    assert f"/invitations/{invitation.token}/" in message.alternatives[0].content


def test_no_email_is_sent_before_the_request_commits(client_for, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(owner).post(INVITE_URL, {"email": "grace@example.com", "role": "recruiter"})

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_invited_new_user_sees_the_sign_up_form(client, organization):
    invitation = InvitationFactory(organization=organization, email="grace@example.com")

    response = client.get(f"/invitations/{invitation.token}/")

    assert response.status_code == 200
    assert f"Join {organization.name}" in response.text
    assert "grace@example.com" in response.text
    assert 'name="password1"' in response.text


def test_new_user_accepting_gets_an_account_and_the_invited_role(client, organization):
    invitation = InvitationFactory(organization=organization, email="grace@example.com", role="interviewer")

    response = client.post(f"/invitations/{invitation.token}/", NEW_ACCOUNT)

    assert response.status_code == 302
    assert response.url == "/"
    user = User.objects.get(email="grace@example.com")
    assert user.name == "Grace Hopper"
    assert user.check_password("compiler-a0-1952")
    assert EmailAddress.objects.filter(user=user, email="grace@example.com", verified=True, primary=True).exists()
    membership = Membership.objects.get(user=user)
    assert membership.organization == organization
    assert membership.role == Membership.Role.INTERVIEWER
    assert auth.get_user(client).pk == user.pk
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert organization.name in dashboard.text


def test_new_user_with_mismatched_passwords_is_not_created(client, organization):
    invitation = InvitationFactory(organization=organization, email="grace@example.com")

    response = client.post(f"/invitations/{invitation.token}/", {**NEW_ACCOUNT, "password2": "different-9999"})

    assert response.status_code == 200
    assert "The two passwords don&#x27;t match." in response.text
    assert not User.objects.filter(email="grace@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_existing_user_is_sent_to_login_and_then_accepts(client, organization):
    user = UserFactory(email="grace@example.com")
    invitation = InvitationFactory(organization=organization, email="grace@example.com", role="recruiter")
    accept_url = f"/invitations/{invitation.token}/"

    response = client.get(accept_url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={accept_url}"

    response = client.post(response.url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == accept_url

    page = client.get(accept_url)
    assert page.status_code == 200
    assert "Accept invitation" in page.text
    users_before = User.objects.count()

    response = client.post(accept_url)

    assert response.status_code == 302
    assert response.url == "/"
    assert User.objects.count() == users_before
    membership = Membership.objects.get(user=user, organization=organization)
    assert membership.role == Membership.Role.RECRUITER
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_anonymous_post_for_an_existing_user_creates_nothing(client, organization):
    UserFactory(email="grace@example.com")
    invitation = InvitationFactory(organization=organization, email="grace@example.com")

    response = client.post(f"/invitations/{invitation.token}/", NEW_ACCOUNT)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert User.objects.filter(email="grace@example.com").count() == 1
    assert not Membership.objects.exists()


def test_existing_user_in_another_organisation_joins_and_switches_to_it(client_for, organization, other_organization):
    other_member = MembershipFactory(organization=other_organization).user
    invitation = InvitationFactory(organization=organization, email=other_member.email, role="recruiter")
    client = client_for(other_member)

    client.post(f"/invitations/{invitation.token}/")

    assert Membership.objects.filter(user=other_member).count() == 2
    assert client.session["organization_id"] == organization.pk
    assert organization.name in client.get("/").text


def test_expired_invitation_answers_410_and_creates_nothing(client, organization):
    invitation = InvitationFactory(
        organization=organization, email="grace@example.com", expires_at=timezone.now() - timedelta(days=1)
    )

    page = client.get(f"/invitations/{invitation.token}/")
    response = client.post(f"/invitations/{invitation.token}/", NEW_ACCOUNT)

    assert page.status_code == 410
    assert "This invitation can't be used" in page.text
    assert "It expired" in page.text
    assert response.status_code == 410
    assert not User.objects.filter(email="grace@example.com").exists()
    assert not Membership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_expired_invitation_is_refused_to_a_signed_in_invitee(client_for, organization):
    user = UserFactory(email="grace@example.com")
    invitation = InvitationFactory(
        organization=organization, email=user.email, expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = client_for(user).post(f"/invitations/{invitation.token}/")

    assert response.status_code == 410
    assert not Membership.objects.filter(user=user).exists()


def test_already_accepted_invitation_is_refused(client, organization):
    first = UserFactory(email="grace@example.com")
    invitation = InvitationFactory(
        organization=organization, email=first.email, accepted_at=timezone.now(), accepted_by=first
    )
    users_before = User.objects.count()

    page = client.get(f"/invitations/{invitation.token}/")
    response = client.post(f"/invitations/{invitation.token}/", NEW_ACCOUNT)

    assert page.status_code == 410
    assert "It has already been accepted." in page.text
    assert response.status_code == 410
    assert User.objects.count() == users_before
    assert not Membership.objects.exists()


def test_unknown_token_answers_404(client):
    assert client.get("/invitations/not-a-real-token/").status_code == 404


def test_signed_in_user_with_another_email_cannot_accept(client_for, organization):
    intruder = UserFactory(email="mallory@example.com")
    invitation = InvitationFactory(organization=organization, email="grace@example.com")
    client = client_for(intruder)

    page = client.get(f"/invitations/{invitation.token}/")
    response = client.post(f"/invitations/{invitation.token}/")

    assert page.status_code == 403
    assert "but you are signed in as" in page.text
    assert response.status_code == 403
    assert not Membership.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_recruiter_cannot_invite(client_for, recruiter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(recruiter).post(INVITE_URL, {"email": "grace@example.com", "role": "recruiter"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_an_active_member_shows_an_error_and_creates_no_invitation(client_for, owner, recruiter):
    response = client_for(owner).post(INVITE_URL, {"email": recruiter.email.upper(), "role": "admin"})

    assert response.status_code == 400
    assert "This person is already a member." in response.text
    assert not Invitation.objects.exists()


def test_a_deactivated_member_can_be_invited_back(client_for, owner, organization):
    former = MembershipFactory(organization=organization, is_active=False)

    response = client_for(owner).post(INVITE_URL, {"email": former.user.email, "role": "recruiter"})

    assert response.status_code == 302
    assert Invitation.objects.filter(email=former.user.email).exists()


def test_admin_cannot_invite_an_owner(client_for, organization):
    admin = MembershipFactory(organization=organization, role="admin").user

    response = client_for(admin).post(INVITE_URL, {"email": "grace@example.com", "role": "owner"})

    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    assert not Invitation.objects.exists()


def test_admin_invite_form_does_not_offer_the_owner_role(client_for, organization):
    admin = MembershipFactory(organization=organization, role="admin").user

    response = client_for(admin).get("/organization/members/")

    assert response.status_code == 200
    assert 'value="admin"' in response.text
    assert 'value="owner"' not in response.text


def test_admin_can_invite_an_admin(client_for, organization):
    admin = MembershipFactory(organization=organization, role="admin").user

    client_for(admin).post(INVITE_URL, {"email": "grace@example.com", "role": "admin"})

    assert Invitation.objects.get().role == Membership.Role.ADMIN


def test_inviting_the_same_address_twice_renews_the_pending_invitation(client_for, owner, organization):
    old = InvitationFactory(organization=organization, email="grace@example.com", role="recruiter")

    client_for(owner).post(INVITE_URL, {"email": "grace@example.com", "role": "interviewer"})

    invitation = Invitation.objects.get()
    assert invitation.pk == old.pk
    assert invitation.role == Membership.Role.INTERVIEWER


def test_resend_renews_an_expired_invitation_and_mails_it(
    client_for, owner, organization, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        organization=organization, email="grace@example.com", expires_at=timezone.now() - timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(f"/organization/invitations/{invitation.pk}/resend/")

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]


def test_admin_cannot_resend_an_owner_invitation(client_for, organization, django_capture_on_commit_callbacks):
    admin = MembershipFactory(organization=organization, role="admin").user
    invitation = InvitationFactory(organization=organization, role="owner")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(f"/organization/invitations/{invitation.pk}/resend/")

    assert response.status_code == 403
    assert mail.outbox == []


def test_revoke_deletes_the_invitation_and_its_link_stops_working(client_for, owner, organization, client):
    invitation = InvitationFactory(organization=organization)

    response = client_for(owner).post(f"/organization/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert client.get(f"/invitations/{invitation.token}/").status_code == 404


def test_invitations_still_work_when_signups_are_closed(client, organization, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False
    invitation = InvitationFactory(organization=organization, email="grace@example.com")

    response = client.post(f"/invitations/{invitation.token}/", NEW_ACCOUNT)

    assert response.status_code == 302
    assert Membership.objects.filter(user__email="grace@example.com", organization=organization).exists()


def test_a_former_member_accepting_is_reactivated_with_the_invited_role(client_for, organization):
    former = MembershipFactory(organization=organization, role=Membership.Role.ADMIN, is_active=False)
    invitation = InvitationFactory(organization=organization, email=former.user.email, role="interviewer")
    client = client_for(former.user)
    assert client.get("/").url == "/onboarding/"

    client.post(f"/invitations/{invitation.token}/")

    assert Membership.objects.filter(user=former.user).count() == 1
    former.refresh_from_db()
    assert former.is_active
    assert former.role == Membership.Role.INTERVIEWER
    assert client.get("/").status_code == 200
