"""What accounts asks of the apps above it.

An invitation's email goes through the outbox (mail), which accounts may not
import; ats registers the sender from its AppConfig.ready(), and the services
here call it inside their transaction, so the invitation and its email are
written together or not at all.
"""

from django.core.exceptions import ImproperlyConfigured

_senders = {}


def register_invitation_sender(sender):
    """`sender(invitation)` queues the invitation's email; used from AppConfig.ready()."""
    _senders["invitation"] = sender
    return sender


def send_invitation(invitation):
    if "invitation" not in _senders:
        raise ImproperlyConfigured("No invitation sender is registered (is 'ats' in INSTALLED_APPS?).")
    return _senders["invitation"](invitation)
