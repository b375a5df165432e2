"""The one place that answers "may this member do X?".

Views enforce these; templates only use them to hide buttons. Rules about one
object (may this hiring manager open this candidate?) live with the object's
app, one predicate per type: jobs.access, pipeline.candidates.access,
pipeline.applications.access.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from .models import Membership

Role = Membership.Role

ADMIN_ROLES = frozenset({Role.OWNER, Role.ADMIN})
RECRUITING_ROLES = ADMIN_ROLES | {Role.RECRUITER}
ALL_ROLES = frozenset(Role)

# What each role may do across the whole organisation.
_ABILITIES = {
    "manage_organization": ADMIN_ROLES,
    "manage_members": ADMIN_ROLES,
    "manage_templates": ADMIN_ROLES,
    # Candidates' personal data as a whole: erasing, exporting, reviewing and extending retention.
    "manage_privacy": ADMIN_ROLES,
    "manage_jobs": RECRUITING_ROLES,
    "manage_candidates": RECRUITING_ROLES,
    "send_email": RECRUITING_ROLES,
    "manage_workflows": RECRUITING_ROLES,
    # Boards, moves and decisions, on the jobs the member can see.
    "manage_applications": RECRUITING_ROLES | {Role.HIRING_MANAGER},
    "view_dashboard": ALL_ROLES,
}


def can(membership, ability):
    """True when the (active) membership's role grants `ability`."""
    if membership is None or not membership.is_active:
        return False
    return membership.role in _ABILITIES[ability]


def roles_with(ability):
    """The roles that grant `ability`: for queries that ask "which members may?" rather than "may this one?"."""
    return _ABILITIES[ability]


def can_assign_role(membership, role):
    """Only owners make or unmake owners; admins manage everyone else."""
    if not can(membership, "manage_members"):
        return False
    return membership.role == Role.OWNER or role != Role.OWNER


def can_change_member(membership, target):
    """Admins may not change owners; nobody changes themselves here."""
    if not can(membership, "manage_members") or target.pk == membership.pk:
        return False
    return membership.role == Role.OWNER or target.role != Role.OWNER


def organization_required(view):
    """The user is signed in and belongs to an organisation (else: onboarding)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if request.membership is None:
            return redirect(settings.ONBOARDING_URL)
        return view(request, *args, **kwargs)

    return wrapper


def ability_required(ability, *, lookup=None):
    """organization_required, and the member's role grants `ability` (else 403).

    `lookup(request, pk)` is the view's scoped lookup of its object (the URL's `pk`). For a
    member without the ability it runs before the refusal, so an object they may not see is a
    404 for them as for everyone: 404 says "not yours to see", 403 "yours to see, not to do".
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.membership, ability):
                if lookup is not None and "pk" in kwargs:
                    lookup(request, kwargs["pk"])
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return organization_required(wrapper)

    return decorator


def get_membership_for_org(request, pk):
    """A membership of the current organisation, or 404."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, organization=request.organization)


def get_invitation_for_org(request, pk):
    """A pending invitation of the current organisation, or 404."""
    return get_object_or_404(request.organization.invitations, pk=pk, accepted_at__isnull=True)
