"""What accounts asks of the apps above it.

An invitation's email goes through the outbox (mail), which accounts may not
import; ats registers the sender from its AppConfig.ready(), and the services
here call it inside their transaction, so the invitation and its email are
written together or not at all.

Someone who accepts an invitation is announced to the organisation's admins (notifications,
above accounts): ats registers that too.

A deactivated member's open pages must stop hearing live updates (ats.live);
ats registers what does that, and the services call it once the change commits.
"""

from django.core.exceptions import ImproperlyConfigured

_hooks = {}


def register_invitation_sender(sender):
    """`sender(invitation)` queues the invitation's email; used from AppConfig.ready()."""
    _hooks["invitation"] = sender
    return sender


def send_invitation(invitation):
    if "invitation" not in _hooks:
        raise ImproperlyConfigured("No invitation sender is registered (is 'ats' in INSTALLED_APPS?).")
    return _hooks["invitation"](invitation)


def register_member_deactivated(handler):
    """`handler(membership)` runs after a membership is switched off; used from AppConfig.ready()."""
    _hooks["member_deactivated"] = handler
    return handler


def member_deactivated(membership):
    # Optional, unlike the invitation sender: without it nothing is listening live.
    if "member_deactivated" in _hooks:
        _hooks["member_deactivated"](membership)


def register_invitation_accepted(handler):
    """`handler(membership, invitation)` runs inside the acceptance's transaction (ats tells the admins)."""
    _hooks["invitation_accepted"] = handler
    return handler


def invitation_accepted(membership, invitation):
    if "invitation_accepted" in _hooks:
        _hooks["invitation_accepted"](membership, invitation)


# More pages of the organisation's settings, as tabs beside accounts' own (webhooks, in pipeline).
_settings_tabs = []


def register_settings_tab(key, label, url_name):
    """A tab `label` linking to `url_name` on the settings pages; used from AppConfig.ready()."""
    if all(tab[0] != key for tab in _settings_tabs):
        _settings_tabs.append((key, label, url_name))


def settings_tabs():
    """[(key, label, url name)] of the registered tabs, in registration order."""
    return list(_settings_tabs)
