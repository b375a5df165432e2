"""API keys: issuing, revoking, and finding the key a request carries."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from .models import ApiKey, Membership
from .permissions import can, can_assign_role

# last_used_at is written at most this often, so a busy script costs no write per call.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(raw):
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_key(*, membership, name, role, read_only):
    """A new key for `membership`'s organisation; returns (key, raw). The raw key is shown once, then lost.

    Only members who manage members create keys, and never with a role they could not give a person.
    """
    if not can(membership, "manage_members"):
        raise PermissionDenied("Only owners and admins create API keys.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the key a name that says what uses it."})
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Membership.Role.values)}."})
    if not can_assign_role(membership, role):
        raise ValidationError({"role": "Only an owner can create a key with the owner role."})
    raw = ApiKey.PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=membership.organization,
        name=name[:100],
        role=role,
        read_only=bool(read_only),
        prefix=raw[:12],
        hashed=digest(raw),
        created_by=membership.user,
    )
    return key, raw


def revoke_key(*, membership, key):
    if not can(membership, "manage_members") or key.organization_id != membership.organization_id:
        raise PermissionDenied("Only owners and admins revoke API keys.")
    # As nobody changes their own membership: a script must not lock itself out by mistake.
    if getattr(membership, "api_key", None) == key:
        raise PermissionDenied("A key can't revoke itself: revoke it on the API keys page or with another key.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def membership_for_key(raw):
    """(key, membership) for a live key, else None.

    The membership is the creator's, with the key's role in place of theirs (held in memory only,
    never saved), so every access rule reads it as for a person. A key works only while its creator
    could still issue it: one demoted from admin, or from owner below an owner key, no longer lends
    the key that role.
    """
    key = ApiKey.objects.select_related("organization", "created_by").filter(hashed=digest(raw)).first()
    if key is None or key.revoked_at is not None or not key.created_by.is_active:
        return None
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(organization_id=key.organization_id, user_id=key.created_by_id, is_active=True)
        .first()
    )
    if membership is None or not can_assign_role(membership, key.role):
        return None
    membership.role = key.role
    membership.api_key = key
    _touch(key)
    return key, membership


def _touch(key):
    now = timezone.now()
    if key.last_used_at and now - key.last_used_at < LAST_USED_PRECISION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ApiKey.objects.filter(stale, pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
