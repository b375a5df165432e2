"""Invitation emails: here, not in accounts, because they go through the outbox (mail)."""

from django.conf import settings
from django.template.loader import render_to_string

from mail import services as mail


def send_invitation(invitation):
    """Queue the invitation's email, in the caller's transaction. Its link is the invitation's
    secret, so the message is sensitive: subject and status only on every page, never tracked,
    its bodies erased once sent."""
    organization = invitation.organization
    context = {
        "invitation": invitation,
        "organization": organization,
        "inviter": invitation.invited_by,
        "accept_url": settings.SITE_URL + invitation.get_absolute_url(),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    return mail.queue_email(
        organization=organization,
        to=[invitation.email],
        subject=f"You're invited to join {organization.name}",
        text=render_to_string("accounts/email/invitation.txt", context),
        html=render_to_string("accounts/email/invitation.html", context),
        related=invitation,
        reply_to=invitation.invited_by.email if invitation.invited_by else "",
        sent_by=invitation.invited_by,
        sensitive=True,
    )
