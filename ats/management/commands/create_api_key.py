"""Create an API key from the command line, for an operator's script or CI, and print it (once).

    python manage.py create_api_key --email owner@acme.test --role owner
    python manage.py create_api_key --email admin@acme.test --organization acme --role recruiter --read-only

The key acts as the member named, as one made on the API keys page would: the same rules apply
(only owners and admins make keys, only owners make owner keys). Only the key goes to stdout, so
`KEY=$(python manage.py create_api_key ...)` captures it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.api_keys import issue_key
from accounts.models import Membership


class Command(BaseCommand):
    help = "Create an API key acting as a member of an organisation, and print the key."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The member the key acts as (an owner or admin).")
        parser.add_argument("--organization", help="The organisation's slug, when the member is in several.")
        parser.add_argument("--role", required=True, choices=Membership.Role.values)
        parser.add_argument("--read-only", action="store_true", help="The key may read, never write.")
        parser.add_argument("--name", default="Command line", help="What uses the key, shown in the list of keys.")

    def handle(self, *args, email, organization, role, read_only, name, **options):
        membership = _membership(email, organization)
        try:
            _, raw = issue_key(membership=membership, name=name, role=role, read_only=read_only)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)


def _membership(email, slug):
    memberships = Membership.objects.select_related("organization", "user").filter(
        user__email=email.strip().lower(), user__is_active=True, is_active=True
    )
    if slug:
        memberships = memberships.filter(organization__slug=slug)
    found = list(memberships[:2])
    if not found:
        where = f" of {slug}" if slug else ""
        raise CommandError(f"No active member{where} with the email {email}.")
    if len(found) > 1:
        raise CommandError(f"{email} is a member of several organisations: name one with --organization <slug>.")
    return found[0]
