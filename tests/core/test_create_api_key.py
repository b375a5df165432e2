"""`manage.py create_api_key`: a key for an operator's script (CI's schemathesis run uses it)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.api_keys import membership_for_key
from accounts.models import ApiKey, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def create_key(*args):
    out = io.StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_working_read_write_key_acting_as_the_owner(owner, organization):
    raw = create_key("--email", owner.email.upper(), "--role", "owner")

    assert raw.startswith(ApiKey.PREFIX)
    key, membership = membership_for_key(raw)
    assert (key.organization, key.created_by, key.role, key.read_only) == (organization, owner, "owner", False)
    assert key.name == "Command line"
    assert membership.user == owner


def test_it_makes_read_only_keys_with_a_name(owner):
    raw = create_key("--email", owner.email, "--role", "recruiter", "--read-only", "--name", "Reports")

    key, _ = membership_for_key(raw)
    assert (key.role, key.read_only, key.name) == ("recruiter", True, "Reports")


def test_a_recruiter_may_not_make_keys(recruiter):
    with pytest.raises(CommandError, match=re.escape("Only owners and admins create API keys.")):
        create_key("--email", recruiter.email, "--role", "recruiter")

    assert not ApiKey.objects.exists()


def test_an_admin_may_not_make_an_owner_key(organization):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user

    with pytest.raises(CommandError, match=re.escape("Only an owner can create a key with the owner role.")):
        create_key("--email", admin.email, "--role", "owner")


def test_an_unknown_email_is_refused(organization):
    with pytest.raises(CommandError, match=re.escape("No active member with the email nobody@example.com.")):
        create_key("--email", "nobody@example.com", "--role", "owner")


def test_a_member_of_several_organisations_names_one(owner, organization, other_organization):
    MembershipFactory(user=owner, organization=other_organization, role=Membership.Role.OWNER)

    with pytest.raises(CommandError, match="--organization"):
        create_key("--email", owner.email, "--role", "owner")
    raw = create_key("--email", owner.email, "--organization", other_organization.slug, "--role", "owner")

    assert membership_for_key(raw)[0].organization == other_organization
