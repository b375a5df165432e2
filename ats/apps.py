from django.apps import AppConfig


class AtsConfig(AppConfig):
    name = "ats"
    verbose_name = "ATS"

    def ready(self):
        from accounts import extensions

        from .invitations import send_invitation

        extensions.register_invitation_sender(send_invitation)
