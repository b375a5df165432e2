import zoneinfo

from django.utils import timezone

from .models import Membership

SESSION_KEY = "organization_id"


def active_membership(request):
    """The membership the signed-in user acts through, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("organization").filter(user=user, is_active=True)
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        membership = memberships.filter(organization_id=chosen).first()
        if membership:
            return membership
    return memberships.order_by("created_at").first()


def viewer_zone(user, organization):
    """The zone dates are shown in: the user's own, else their organisation's, else UTC."""
    name = (getattr(user, "timezone", "") or (organization.timezone if organization else "")) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class OrganizationMiddleware:
    """Sets `request.membership` and `request.organization` (None when signed out), and the viewer's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = active_membership(request)
        request.organization = request.membership.organization if request.membership else None
        if request.user.is_authenticated:
            timezone.activate(viewer_zone(request.user, request.organization))
        else:
            timezone.deactivate()
        return self.get_response(request)
