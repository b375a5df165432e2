"""Workflows around organisations and their members."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import extensions
from .models import Invitation, Membership, Organization

RESERVED_SLUGS = {"admin", "api", "accounts", "careers", "static", "media", "health", "status", "new"}


def unique_slug(name):
    base = slugify(name)[:50].strip("-") or "organization"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_organization(*, name, owner=None, **fields):
    """A new organisation with `owner` (if any) as its first owner; ats.setup adds every app's defaults."""
    organization = Organization.objects.create(name=name, slug=fields.pop("slug", None) or unique_slug(name), **fields)
    if owner is not None:
        Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    return organization


@transaction.atomic
def invite_member(*, organization, email, role, invited_by):
    """Create (or renew) a pending invitation and queue its email (through the outbox), together."""
    email = email.strip().lower()
    invitation = organization.invitations.filter(email=email, accepted_at__isnull=True).first()
    if invitation:
        invitation.role = role
        invitation.invited_by = invited_by
        invitation.expires_at = None
        invitation.save()
    else:
        invitation = Invitation.objects.create(
            organization=organization, email=email, role=role, invited_by=invited_by, expires_at=None
        )
    extensions.send_invitation(invitation)
    return invitation


@transaction.atomic
def accept_invitation(*, invitation, user):
    """Make `user` a member with the invited role. Raises ValidationError when it can't."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    if invitation.is_expired:
        raise ValidationError("This invitation has expired. Ask for a new one.")
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    joined = created or not membership.is_active
    if not created and not membership.is_active:
        # A former member coming back: reactivate with the invited role. An active
        # member keeps their role: a stale invitation must never demote anyone.
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if joined:
        extensions.invitation_accepted(membership, invitation)
    return membership


def _lock_owners(organization):
    # Serialise owner changes so two admins can't demote the last two owners at once.
    return list(
        Membership.objects.select_for_update().filter(
            organization=organization, role=Membership.Role.OWNER, is_active=True
        )
    )


@transaction.atomic
def change_role(*, membership, role):
    _lock_owners(membership.organization)
    membership.refresh_from_db()
    if role != Membership.Role.OWNER and membership.is_last_owner():
        raise ValidationError("An organisation needs at least one owner. Make someone else an owner first.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def set_member_active(*, membership, active):
    _lock_owners(membership.organization)
    membership.refresh_from_db()
    if not active and membership.is_last_owner():
        raise ValidationError("The last owner can't be deactivated. Make someone else an owner first.")
    was_active, membership.is_active = membership.is_active, active
    membership.save(update_fields=["is_active"])
    if was_active and not active:
        transaction.on_commit(lambda: extensions.member_deactivated(membership))
    return membership
