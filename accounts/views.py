from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import permissions, services
from .api_keys import issue_key, revoke_key
from .forms import AcceptInvitationForm, ApiKeyForm, InviteForm, OrganizationForm, ProfileForm, RoleForm
from .middleware import SESSION_KEY
from .models import ApiKey, Invitation

User = get_user_model()


@permissions.ability_required("manage_organization")
def organization_settings(request):
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=request.organization)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Organisation settings saved.")
            return redirect("accounts:organization_settings")
        messages.error(request, "Please correct the highlighted fields.")
    return render(request, "accounts/organization_settings.html", {"form": form})


def _api_keys_context(request, form=None, new_key=None):
    keys = request.organization.api_keys.select_related("created_by").order_by("revoked_at", "-created_at", "-pk")
    return {
        "keys": keys,
        "form": form or ApiKeyForm(actor=request.membership),
        "new_key": new_key,
        "api_url": request.build_absolute_uri("/api/v1/"),
        "docs_url": request.build_absolute_uri("/api/schema/swagger-ui/"),
    }


def get_api_key_for_org(request, pk):
    """One of the current organisation's API keys, or 404."""
    return get_object_or_404(ApiKey, pk=pk, organization=request.organization)


@permissions.ability_required("manage_members")
def api_keys(request):
    return render(request, "accounts/api_keys.html", _api_keys_context(request))


@require_POST
@permissions.ability_required("manage_members")
def create_api_key(request):
    """Shows the new key on the page it answers with, not after a redirect: it exists only in this response."""
    form = ApiKeyForm(request.POST, actor=request.membership)
    if form.is_valid():
        try:
            key, raw = issue_key(
                membership=request.membership,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                read_only=form.cleaned_data["access"] == "read_only",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            ctx = _api_keys_context(request, new_key={"key": key, "raw": raw})
            response = render(request, "accounts/api_keys.html", ctx)
            response["Cache-Control"] = "no-store"  # the key must not outlive this page in a cache
            return response
    messages.error(request, "The key was not created: please check the form.")
    return render(request, "accounts/api_keys.html", _api_keys_context(request, form=form), status=400)


@require_POST
@permissions.ability_required("manage_members", lookup=get_api_key_for_org)
def revoke_api_key(request, pk):
    key = revoke_key(membership=request.membership, key=get_api_key_for_org(request, pk))
    messages.success(request, f"The key “{key.name}” is revoked: calls with it are refused from now on.")
    return redirect("accounts:api_keys")


@login_required
def profile(request):
    # A fresh copy: a rejected form must not leave its values on request.user, which the page shows.
    user = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=user, organization=request.organization)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
        messages.error(request, "Please correct the highlighted fields.")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


def _members_context(request, invite_form=None):
    organization = request.organization
    members = organization.memberships.select_related("user").order_by("-is_active", "user__name", "user__email")
    can_manage = permissions.can(request.membership, "manage_members")
    rows = [
        {
            "membership": m,
            "can_change": can_manage and permissions.can_change_member(request.membership, m),
            "role_form": RoleForm(initial={"role": m.role}, actor=request.membership, prefix=f"m{m.pk}"),
        }
        for m in members
    ]
    return {
        "rows": rows,
        "invitations": [
            {"invitation": i, "can_change": can_manage and permissions.can_assign_role(request.membership, i.role)}
            for i in organization.invitations.filter(accepted_at__isnull=True).select_related("invited_by")
        ],
        "invite_form": invite_form or (InviteForm(actor=request.membership) if can_manage else None),
        "can_manage": can_manage,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }


@permissions.organization_required
def members(request):
    return render(request, "accounts/members.html", _members_context(request))


@require_POST
@permissions.ability_required("manage_members")
def invite_member(request):
    form = InviteForm(request.POST, actor=request.membership)
    if not form.is_valid():
        messages.error(request, "The invitation was not sent: please check the form.")
        return render(request, "accounts/members.html", _members_context(request, invite_form=form), status=400)
    invitation = services.invite_member(
        organization=request.organization,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
        invited_by=request.user,
    )
    messages.success(request, f"Invitation for {invitation.email} queued: the outbox shows its delivery.")
    return redirect("accounts:members")


@require_POST
@permissions.ability_required("manage_members", lookup=permissions.get_invitation_for_org)
def resend_invitation(request, pk):
    invitation = permissions.get_invitation_for_org(request, pk)
    if not permissions.can_assign_role(request.membership, invitation.role):
        raise PermissionDenied
    services.invite_member(
        organization=request.organization, email=invitation.email, role=invitation.role, invited_by=request.user
    )
    messages.success(request, f"A new invitation for {invitation.email} is queued: the outbox shows its delivery.")
    return redirect("accounts:members")


@require_POST
@permissions.ability_required("manage_members", lookup=permissions.get_invitation_for_org)
def revoke_invitation(request, pk):
    invitation = permissions.get_invitation_for_org(request, pk)
    if not permissions.can_assign_role(request.membership, invitation.role):
        raise PermissionDenied
    invitation.delete()
    messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("accounts:members")


def _changeable_member(request, pk):
    membership = permissions.get_membership_for_org(request, pk)
    if not permissions.can_change_member(request.membership, membership):
        raise PermissionDenied("You can't change this member.")
    return membership


@require_POST
@permissions.ability_required("manage_members", lookup=permissions.get_membership_for_org)
def change_role(request, pk):
    membership = _changeable_member(request, pk)
    form = RoleForm(request.POST, actor=request.membership, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, "Choose a role you are allowed to give.")
        return redirect("accounts:members")
    try:
        services.change_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()}.")
    return redirect("accounts:members")


@require_POST
@permissions.ability_required("manage_members", lookup=permissions.get_membership_for_org)
def set_member_active(request, pk):
    membership = _changeable_member(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_member_active(membership=membership, active=active)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        state = "reactivated" if active else "deactivated"
        messages.success(request, f"{membership.user} was {state}.")
    return redirect("accounts:members")


def accept_invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("organization"), token=token)
    ctx = {"invitation": invitation, "organization": invitation.organization}
    if not invitation.is_pending:
        # Someone signed out has no zone of their own: their expiry date reads best in the organisation's.
        zone = timezone.get_current_timezone() if request.user.is_authenticated else invitation.organization.zone
        with timezone.override(zone):
            return render(request, "accounts/invitation_invalid.html", ctx, status=410)

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email:
            ctx["wrong_account"] = True
            return render(request, "accounts/accept_invitation.html", ctx, status=403)
        if request.method == "POST":
            return _accept(request, invitation, request.user)
        return render(request, "accounts/accept_invitation.html", ctx)

    if existing:
        # Linking an existing account needs its password: sign in, then come back.
        messages.info(request, f"Sign in as {invitation.email} to join {invitation.organization.name}.")
        return redirect(f"{reverse('account_login')}?next={request.path}")

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email, password=form.cleaned_data["password1"], name=form.cleaned_data["name"]
                )
                # The link reached this inbox, which proves the address.
                EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
                membership = services.accept_invitation(invitation=invitation, user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("account_login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _joined(request, membership)
    ctx["form"] = form
    return render(request, "accounts/accept_invitation.html", ctx)


def _accept(request, invitation, user):
    try:
        membership = services.accept_invitation(invitation=invitation, user=user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("dashboard")
    return _joined(request, membership)


def _joined(request, membership):
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"You joined {membership.organization.name} as {membership.get_role_display().lower()}.")
    return redirect("dashboard")
