"""Who calls the API, and in which organisation.

Three ways in, tried in this order: an API key (`Bearer ats_…` or `Token …`), a JWT access token
(`Bearer …`), the browser's session. Each sets `request.membership` and `request.organization` as
OrganizationMiddleware does for pages, so views and access rules read them the same way.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import RefreshToken

from ..api_keys import membership_for_key
from ..models import ApiKey, Membership

ORG_CLAIM = "org"


def act_as(request, membership):
    """The organisation and role the rest of the request works with (on Django's request too).

    The API speaks UTC whoever calls (the pages use the viewer's zone): a script's times don't
    change with the profile of the person whose token or key it holds.
    """
    django_request = getattr(request, "_request", request)
    django_request.membership = membership
    django_request.organization = membership.organization if membership else None
    timezone.activate(datetime.UTC)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keywords = ("Bearer", "Token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if len(parts) != 2:
            return None
        keyword, raw = parts[0].decode("latin-1"), parts[1].decode("latin-1")
        if keyword not in self.keywords or (keyword == "Bearer" and not raw.startswith(ApiKey.PREFIX)):
            return None  # a JWT: the next authenticator's
        found = membership_for_key(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or has been revoked."))
        key, membership = found
        act_as(request, membership)
        return membership.user, key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a call without credentials.
        return 'Bearer realm="api"'


class OrganizationJWTAuthentication(JWTAuthentication):
    """simplejwt's Bearer tokens, acting in the organisation the token names, if still a member."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        membership = None
        organization_id = token.get(ORG_CLAIM)
        if organization_id is not None:
            membership = (
                Membership.objects.select_related("organization", "user")
                .filter(user=user, organization_id=organization_id, is_active=True)
                .first()
            )
            if membership is None:
                raise exceptions.AuthenticationFailed(_("You are no longer a member of this token's organisation."))
        act_as(request, membership)
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (CSRF enforced); OrganizationMiddleware already chose its organisation."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            act_as(request, request._request.membership)
        return result


def tokens_for(user, organization=None):
    """A refresh and an access token acting in `organization` (else the user's first active membership)."""
    memberships = Membership.objects.filter(user=user, is_active=True)
    if organization is not None:
        membership = memberships.filter(organization=organization).first()
    else:
        membership = memberships.order_by("created_at").first()
    refresh = RefreshToken.for_user(user)
    refresh[ORG_CLAIM] = membership.organization_id if membership else None
    return refresh, membership
