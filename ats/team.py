"""What follows a change of people: ats tells them, since only it sees jobs and notifications together."""

from django.urls import reverse

from accounts.permissions import roles_with
from notifications.models import Category
from notifications.services import notify


def tell_new_team_member(member, *, by):
    """A member put on a job's hiring team hears of it (unless they put themselves there)."""
    job = member.job
    adder = by.get_full_name() if by else "Someone"
    notify(
        category=Category.TEAM_ADDED,
        recipients=[member.user],
        organization=job.organization,
        actor=by,
        key=f"team:{member.pk}",
        title=f"{adder} added you to the hiring team of {job.title}",
        body=f"Your role: {member.get_role_display()}.",
        url=job.get_absolute_url(),
        target=job,
        subject=job.title,
    )


def tell_admins_member_joined(membership, invitation):
    """An invitation was accepted: the organisation's admins hear who joined, and as what."""
    organization = membership.organization
    admins = organization.memberships.filter(role__in=roles_with("manage_members"), is_active=True)
    user = membership.user
    notify(
        category=Category.MEMBER_JOINED,
        recipients=[admin.user for admin in admins.select_related("user")],
        organization=organization,
        actor=user,
        key=f"joined:{invitation.pk}",
        title=f"{user.get_full_name()} joined {organization.name} as {membership.get_role_display().lower()}",
        url=reverse("accounts:members"),
        target=membership,
        subject=organization.name,
        group_key="members",
    )
