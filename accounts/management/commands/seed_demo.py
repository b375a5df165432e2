"""Demo data for trying the site: `python manage.py seed_demo`. Safe to run again."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, Organization

DEMO_PASSWORD = "acme-demo-2026"  # development only; printed by `make run`
DEMO_MEMBERS = [
    ("owner@acme.test", "Olivia Owner", Membership.Role.OWNER),
    ("recruiter@acme.test", "Riley Recruiter", Membership.Role.RECRUITER),
    ("manager@acme.test", "Morgan Manager", Membership.Role.HIRING_MANAGER),
    ("interviewer@acme.test", "Ivan Interviewer", Membership.Role.INTERVIEWER),
]


class Command(BaseCommand):
    help = "Create (or refresh) the Acme demo organisation and its users."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        acme, _ = Organization.objects.update_or_create(
            slug="acme",
            defaults={
                "name": "Acme",
                "website": "https://acme.test",
                "industry": "Software",
                "size": Organization.Size.SMALL,
                "description": "Acme builds tools that make hiring calmer.",
                "careers_intro": "We are a small, kind team building useful software. Come build with us.",
                "privacy_policy_url": "https://acme.test/privacy",
            },
        )
        for email, name, role in DEMO_MEMBERS:
            user = self._user(User, email, name)
            Membership.objects.update_or_create(
                user=user, organization=acme, defaults={"role": role, "is_active": True}
            )
        admin = self._user(User, "admin@acme.test", "Site Admin")
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(self.style.SUCCESS("Demo data ready: organisation 'Acme' (acme)."))

    def _user(self, User, email, name):
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
        return user
