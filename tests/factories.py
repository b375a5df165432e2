"""factory-boy factories for the foundation models.

Every value comes from a sequence, so runs are deterministic and unique
constraints (email, slug) never collide.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User

PASSWORD = "pass-12345-word"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    # Hashed at build time, so `client.login` and the real login form both work.
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.RECRUITER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.RECRUITER
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
