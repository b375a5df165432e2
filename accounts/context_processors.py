from django.urls import reverse

from . import extensions, permissions


def organization(request):
    membership = getattr(request, "membership", None)
    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "can_manage_members": permissions.can(membership, "manage_members"),
        "can_manage_organization": permissions.can(membership, "manage_organization"),
        "can_manage_templates": permissions.can(membership, "manage_templates"),
        "can_send_email": permissions.can(membership, "send_email"),
        # Lazily: only the settings pages' tabs read it.
        "settings_tabs": lambda: [(key, label, reverse(name)) for key, label, name in extensions.settings_tabs()],
    }
