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


class OrganizationMiddleware:
    """Sets `request.membership` and `request.organization` (None when signed out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = active_membership(request)
        request.organization = request.membership.organization if request.membership else None
        return self.get_response(request)
