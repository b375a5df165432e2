"""Background tasks: take ids, re-fetch, and return quietly when the row is gone."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Invitation


def send_invitation(invitation_id):
    invitation = Invitation.objects.select_related("organization", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by,
        "accept_url": settings.SITE_URL + invitation.get_absolute_url(),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    send_mail(
        subject=f"You're invited to join {invitation.organization.name}",
        message=render_to_string("accounts/email/invitation.txt", context),
        html_message=render_to_string("accounts/email/invitation.html", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
