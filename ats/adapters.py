"""allauth's account adapter, here because its emails go through the outbox (mail sits above accounts)."""

from accounts.adapters import AccountAdapter as BaseAccountAdapter
from mail import services as mail
from notifications import live


class AccountAdapter(BaseAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Every account email (confirmation, password reset, login code, notices) through the outbox,
        as sensitive: they carry sign-in secrets, and belong to no organisation."""
        message = self.render_mail(template_prefix, email, context)
        if message.content_subtype == "html":  # allauth found only an HTML template
            html, text = message.body, ""
        else:
            html = next((body for body, kind in getattr(message, "alternatives", ()) if kind == "text/html"), "")
            text = message.body
        mail.queue_email(
            organization=None, to=message.to, subject=message.subject, html=html, text=text, sensitive=True
        )

    def logout(self, request):
        """Signing out closes the user's live-update sockets: an open tab would otherwise keep listening."""
        user_id = request.user.pk
        super().logout(request)
        if user_id is not None:
            live.close_user_sockets(user_id)
