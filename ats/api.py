"""API endpoints that orchestrate across apps (as ats does for pages).

POST /api/register/ is the sign-up page and onboarding in one call: allauth's sign-up form (our extra
name field, Django's password validators, its address rules) makes the account, and
create_organization_with_defaults gives it an organisation, as the onboarding page does.
"""

from allauth.account import signals
from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.api.views import PublicView
from accounts.models import User

from .setup import create_organization_with_defaults

REGISTERED = (
    "Thanks! We have sent an email to this address: follow its link to confirm it, then sign in with POST /api/login/."
)
CLOSED = "Registration is closed on this site: ask an organisation's admin to invite you."
# allauth's sign-up form fields -> the API's.
_FIELDS = {"email": "email", "password1": "password", "password2": "password", "name": "first_name"}


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="Accepted for the original's clients and not stored: accounts sign in with their email.",
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    organization_name = serializers.CharField(
        max_length=150,
        required=False,
        help_text="Your organisation's name (else “<your name>'s organisation”); change it at /api/v1/societies/.",
    )


Registered = inline_serializer(
    "Registered", fields={"email": serializers.EmailField(), "detail": serializers.CharField()}
)


class RegisterView(PublicView):
    """A new account and the organisation it owns; the same answer whether the address is known or not."""

    @extend_schema(request=RegisterSerializer, responses={201: Registered}, auth=[])
    def post(self, request):
        django_request = request._request
        if not get_adapter(django_request).is_open_for_signup(django_request):
            raise exceptions.PermissionDenied(CLOSED)
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        email = data["email"].strip().lower()
        form = SignupForm(
            data={
                "email": email,
                "password1": data["password"],
                "password2": data["password"],
                "name": f"{data['first_name'].strip()} {data['last_name'].strip()}".strip(),
            }
        )
        form.is_valid()
        taken, errors = _outcome(form)
        if errors:
            raise exceptions.ValidationError(errors)
        if taken:
            # Its owner hears of the attempt, where only they read it (allauth's enumeration prevention).
            get_adapter(django_request).send_account_already_exists_mail(email)
        else:
            _create_account(django_request, form, data.get("organization_name"))
        return Response({"email": email, "detail": REGISTERED}, status=status.HTTP_201_CREATED)


def _outcome(form):
    """(the address has an account, the errors to answer with): a taken address is never an error here.

    allauth hides a taken address itself with mandatory verification; with optional verification its page
    says so ("already registered"), which the API, open to scripts, does not.
    """
    errors, taken = {}, form.account_already_exists
    for field, field_errors in form.errors.as_data().items():
        for error in field_errors:
            if error.code == "email_taken":
                taken = True
                continue
            name = _FIELDS.get(field, api_settings.NON_FIELD_ERRORS_KEY)
            errors.setdefault(name, []).extend(error.messages)
    return taken, errors


@transaction.atomic
def _create_account(request, form, organization_name):
    user = form.save(request)  # allauth: the user, their name (accounts.forms.SignupForm), their address
    # allauth leaves a key in the session for its pages; an API call keeps none (so no session cookie).
    request.session.pop("account_verified_email", None)
    suffix = "'s organisation"
    name = organization_name or user.name[: 150 - len(suffix)] + suffix
    create_organization_with_defaults(owner=user, name=name)
    signals.user_signed_up.send(sender=User, request=request, user=user)
    EmailAddress.objects.get_primary(user).send_confirmation(request, signup=True)


urlpatterns = [path("register/", RegisterView.as_view(), name="register")]  # under /api/
