from django.apps import AppConfig


class AtsConfig(AppConfig):
    name = "ats"
    verbose_name = "ATS"

    def ready(self):
        from django.db.backends.signals import connection_created

        from accounts import extensions
        from jobs import extensions as job_extensions
        from notifications import live

        from .invitations import send_invitation
        from .sqlite import use_real_parameter_limit
        from .team import tell_admins_member_joined, tell_new_team_member

        extensions.register_invitation_sender(send_invitation)
        extensions.register_invitation_accepted(tell_admins_member_joined)
        job_extensions.register("team_member_added", tell_new_team_member)
        # A deactivated member's open pages stop hearing live updates (a reconnect is asked again).
        extensions.register_member_deactivated(lambda membership: live.close_user_sockets(membership.user_id))
        connection_created.connect(use_real_parameter_limit)
