"""The accounts endpoints (docs/api.md "Accounts"), the organisation profile ("societies") and API keys.

Signing in follows the site's rules: allauth authenticates (with its failed-login limits), an inactive
account is refused, a mandatory email confirmation is required, and an account with two-factor
authentication is never let in on a password alone (scripts use an API key).
"""

import re

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.internal.flows.email_verification import handle_verification_email_rate_limit
from allauth.account.internal.flows.manage_email import sync_user_email_address
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.views import TokenRefreshView

from ..api_keys import issue_key, revoke_key
from ..models import ApiKey, Membership, Organization, User
from .authentication import ORG_CLAIM, tokens_for
from .permissions import IsPerson, ability
from .serializers import ApiKeySerializer, MemberSerializer, NewApiKeySerializer, ProfileSerializer, SocietySerializer
from .throttling import StrictThrottle

WRONG_CREDENTIALS = "Unable to sign in with the email address and password given."
MFA_REFUSED = (
    "This account uses two-factor authentication, which a password alone can't satisfy. "
    "Scripts use an API key instead: an organisation admin creates one under Settings → API keys, "
    "and it is sent as `Authorization: Bearer <key>`."
)
UNCONFIRMED = "Confirm your email address first: we have sent you a link to do so."
NOT_A_MEMBER = "You are not a member of this organisation."


class PublicView(APIView):
    """An endpoint for callers without credentials yet (they come here to get some)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [StrictThrottle]

    def get_authenticate_header(self, request):
        # A refused sign-in is a 401 (DRF makes it 403 when a view names no authenticator).
        return 'Bearer realm="api"'


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, max_length=254, help_text="The account's email address.")
    username = serializers.CharField(
        required=False, max_length=254, help_text="The original's name for the same thing: accounts sign in by email."
    )
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    organization = serializers.CharField(
        required=False,
        max_length=60,
        help_text="The id or slug of one of your organisations to act in; else your first.",
    )

    def validate(self, attrs):
        if not (attrs.get("email") or attrs.get("username")):
            raise serializers.ValidationError({"email": ["Give your email address (or username)."]})
        return attrs


class TokensSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = ProfileSerializer()


class LoginView(PublicView):
    """A JWT pair acting in one of your organisations (`organization`, else your first), and who you are.

    Refused: wrong credentials or an inactive account (401); an unconfirmed address where the site
    requires confirmation, or an account with two-factor authentication (403: scripts use API keys).
    """

    @extend_schema(request=LoginSerializer, responses={200: TokensSerializer}, auth=[])
    def post(self, request):
        form = LoginSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = _authenticate(request, form.validated_data)
        organization = _chosen_organization(user, form.validated_data.get("organization"))
        refresh, membership = tokens_for(user, organization)
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, user)
        return Response(
            {
                "access": str(refresh.access_token),
                "refresh": str(refresh),
                "user": ProfileSerializer(user, context={"membership": membership}).data,
            }
        )


def _authenticate(request, data):
    """The user whose credentials these are, by the site's sign-in rules; else the API error to answer."""
    django_request = request._request
    adapter = get_adapter(django_request)
    try:
        user = adapter.authenticate(
            django_request, email=(data.get("email") or data["username"]).strip(), password=data["password"]
        )
    except DjangoValidationError as error:  # allauth's failed-login limit
        raise exceptions.Throttled(detail=" ".join(error.messages)) from None
    if user is None or not user.is_active:
        raise exceptions.AuthenticationFailed(WRONG_CREDENTIALS)
    if _needs_confirmation(django_request, user):
        raise exceptions.PermissionDenied(UNCONFIRMED)
    if get_mfa_adapter().is_mfa_enabled(user):
        raise exceptions.PermissionDenied(MFA_REFUSED)
    return user


def _needs_confirmation(request, user):
    """With mandatory verification, an account with no confirmed address is refused, and sent a link (as the page)."""
    if allauth_settings.EMAIL_VERIFICATION != allauth_settings.EmailVerificationMethod.MANDATORY:
        return False
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return False
    # An account made without an address row (Django admin) gets one first, as allauth's sign-in does.
    address = EmailAddress.objects.filter(user=user, primary=True).first() or sync_user_email_address(user)
    if address and not address.verified and handle_verification_email_rate_limit(request, address.email):
        address.send_confirmation(request)
    return True


def _chosen_organization(user, wanted):
    """The organisation `wanted` names (an id or a slug) among the user's, or None for their first."""
    if wanted is None:
        return None
    memberships = Membership.objects.select_related("organization").filter(user=user, is_active=True)
    by = Q(organization__slug=wanted)
    if re.fullmatch(r"[0-9]{1,18}", wanted):
        by |= Q(organization_id=int(wanted))
    membership = memberships.filter(by).first()
    if membership is None:
        raise serializers.ValidationError({"organization": [NOT_A_MEMBER]})
    return membership.organization


class RefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, re-checking the organisation the token acts in (its claim carries over)."""

    refresh = serializers.CharField(write_only=True)  # answered only when rotation is on (it is not)

    def validate(self, attrs):
        refresh = self.token_class(attrs["refresh"])
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        members = Membership.objects.filter(user_id=user_id, is_active=True)
        organization_id = refresh.payload.get(ORG_CLAIM)
        if not User.objects.filter(pk=user_id).exists() or (
            organization_id is not None and not members.filter(organization_id=organization_id).exists()
        ):
            raise exceptions.AuthenticationFailed("You are no longer a member of this token's organisation.")
        return super().validate(attrs)


class RefreshView(TokenRefreshView):
    """A new access token, in the organisation the refresh token names, while you are still a member there."""

    serializer_class = RefreshSerializer

    @extend_schema(
        request=RefreshSerializer,
        responses={200: inline_serializer("AccessToken", fields={"access": serializers.CharField()})},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class ProfileView(APIView):
    """The signed-in user, with the organisation and role of the call."""

    permission_classes = [IsPerson]

    def _serializer(self, request, **kwargs):
        user = User.objects.get(pk=request.user.pk)
        return ProfileSerializer(user, context={"membership": request.membership, "request": request}, **kwargs)

    @extend_schema(responses={200: ProfileSerializer})
    def get(self, request):
        return Response(self._serializer(request).data)

    @extend_schema(request=ProfileSerializer(partial=True), responses={200: ProfileSerializer})
    def patch(self, request):
        serializer = self._serializer(request, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Members of my organisation (owners and admins only)."""

    serializer_class = MemberSerializer
    queryset = Membership.objects.none()  # for the schema; the real one is the caller's organisation's
    permission_classes = [ability("manage_members", safe_methods_too=True)]
    filter_backends = [DjangoFilterBackend, SearchFilter]
    search_fields = ["user__email", "user__name"]
    filterset_fields = ["role", "is_active"]

    def get_queryset(self):
        return self.request.organization.memberships.select_related("user").order_by("user__email", "pk")


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


SENT = "If an account uses this address, we have sent it a link to choose a new password."


class PasswordResetView(PublicView):
    """The site's password reset email to an address with an account; the same answer for any address."""

    @extend_schema(
        request=PasswordResetSerializer,
        responses={200: inline_serializer("PasswordResetSent", fields={"detail": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        """The site's reset email, to a known address only; the answer is the same either way."""
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].lower()
        form = ResetPasswordForm(data={"email": email})
        # Valid whenever the address is (enumeration prevention): `users` says whether anyone has it.
        known = form.is_valid() and bool(form.users)
        # allauth's limit per address, as on the page: one inbox is not flooded from many client addresses.
        if not ratelimit.consume(request._request, action="reset_password", key=email):
            raise exceptions.Throttled(detail="Too many reset emails for this address: try again later.")
        # The page also mails unknown addresses ("no account"): a script may not make us mail strangers.
        if known:
            form.save(request._request)
        return Response({"detail": SENT})


@extend_schema_view(
    update=extend_schema(responses={200: SocietySerializer}),
    partial_update=extend_schema(responses={200: SocietySerializer}),
)
class SocietyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The organisation's profile: members read it, owners and admins change it."""

    serializer_class = SocietySerializer
    queryset = Organization.objects.none()  # for the schema; the real one is the caller's organisation
    permission_classes = [ability("manage_organization")]
    filter_backends = []
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return Organization.objects.filter(pk=self.request.organization.pk).order_by("pk")


@extend_schema_view(
    create=extend_schema(request=ApiKeySerializer, responses={201: NewApiKeySerializer}),
    destroy=extend_schema(responses={204: OpenApiResponse(description="Revoked: the key stops working at once.")}),
)
class ApiKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's API keys (owners and admins, for reads too). Deleting revokes: the row stays."""

    serializer_class = ApiKeySerializer
    queryset = ApiKey.objects.none()  # for the schema; the real one is the caller's organisation's
    permission_classes = [ability("manage_members", safe_methods_too=True)]
    filter_backends = [DjangoFilterBackend, SearchFilter]
    search_fields = ["name", "prefix"]
    filterset_fields = ["role", "read_only"]

    def get_queryset(self):
        keys = ApiKey.objects.filter(organization=self.request.organization).select_related("created_by")
        return keys.order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key, raw = issue_key(
            membership=request.membership, name=data["name"], role=data["role"], read_only=data["read_only"]
        )
        key.key = raw
        return Response(NewApiKeySerializer(key).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        revoke_key(membership=self.request.membership, key=instance)
