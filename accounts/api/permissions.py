"""The API's permission rules: the same role table as the pages (accounts.permissions), and read-only keys.

Object rules stay with each object's app: a viewset's queryset comes from the app's `*_visible_to`
rule, so another organisation's id is a 404 there, as on the pages.
"""

from rest_framework import permissions

from ..models import ApiKey
from ..permissions import can


class IsMember(permissions.BasePermission):
    """Signed in, acting in an organisation; a read-only key only reads."""

    message = "You are not a member of an organisation."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(request, "membership", None) is None:
            return False
        if (
            isinstance(request.auth, ApiKey)
            and request.auth.read_only
            and request.method not in permissions.SAFE_METHODS
        ):
            self.message = "This API key is read-only."
            return False
        return True


def ability(name, *, safe_methods_too=False):
    """A permission class: IsMember, and the member's role grants `name` (for writes only, unless told)."""

    class HasAbility(IsMember):
        def has_permission(self, request, view):
            if not super().has_permission(request, view):
                return False
            if request.method in permissions.SAFE_METHODS and not safe_methods_too:
                return True
            self.message = "Your role does not allow this."
            return can(request.membership, name)

    HasAbility.__name__ = f"Has_{name}"
    return HasAbility


class IsPerson(IsMember):
    """A person's own things (profile, inbox, preferences): a token or the session, never an API key.

    A key acts for the organisation with a role of its own; its creator's inbox (which names
    candidates the key's role may not see) and profile are not the script's to read or change.
    """

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        self.message = "An API key acts for the organisation, not for a person: sign in (POST /api/login/) for this."
        return not isinstance(request.auth, ApiKey)
