"""After an owner invitation, no page or response a recruiter, admin or superuser can open contains its token.

The token is the invitee's key to the organisation: it travels in the email only, never on a page.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership
from mail.models import EmailEvent, EmailMessage
from tests.factories import MembershipFactory, UserFactory

INVITE_URL = "/organization/members/invite/"


@pytest.fixture
def invitation(client_for, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(INVITE_URL, {"email": "grace@example.com", "role": "owner"})
    assert response.status_code == 302
    return Invitation.objects.get(email="grace@example.com")


@pytest.fixture
def message(invitation):
    return EmailMessage.objects.get(sensitive=True, to=["grace@example.com"])


def test_the_email_carries_the_token(invitation):
    assert invitation.role == Membership.Role.OWNER
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["grace@example.com"]
    assert invitation.get_absolute_url() in sent.body
    assert invitation.token in sent.alternatives[0].content


def test_the_sent_message_keeps_no_body(invitation, message):
    message.refresh_from_db()
    assert message.sensitive is True
    assert message.status == EmailMessage.Status.SENT
    assert message.html_body == ""
    assert message.text_body == ""
    assert invitation.token not in str(message.context)


def site_pages(message):
    return [reverse("accounts:members"), reverse("mail:outbox"), reverse("mail:message", args=[message.pk])]


def admin_pages(invitation, message):
    events = list(EmailEvent.objects.filter(message=message))
    assert events  # at least the "sent" event, so its change page is opened too
    pages = [
        reverse("admin:accounts_invitation_changelist"),
        reverse("admin:accounts_invitation_change", args=[invitation.pk]),
        reverse("admin:mail_emailmessage_changelist"),
        reverse("admin:mail_emailmessage_change", args=[message.pk]),
        reverse("admin:mail_emailevent_changelist"),
    ]
    pages += [reverse("admin:mail_emailevent_change", args=[event.pk]) for event in events]
    return pages


def assert_no_token(client, urls, token):
    """Every page answers 200, none holds the token; together they do show the invitation."""
    seen = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert token not in content, url
        seen.append(content)
    assert any("grace@example.com" in content for content in seen)


def test_the_owner_never_sees_the_token(client_for, owner, invitation, message):
    assert_no_token(client_for(owner), site_pages(message), invitation.token)


def test_an_admin_never_sees_the_token(client_for, organization, invitation, message):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    assert_no_token(client_for(admin), site_pages(message), invitation.token)


def test_a_recruiter_never_sees_the_token(client_for, recruiter, invitation, message):
    # A recruiter may not open every page; whatever answers must not carry the token.
    client = client_for(recruiter)
    for url in site_pages(message):
        response = client.get(url)
        assert invitation.token not in response.content.decode(), url


def test_a_superuser_never_sees_the_token_in_the_admin(client_for, invitation, message):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert_no_token(client_for(superuser), admin_pages(invitation, message), invitation.token)
