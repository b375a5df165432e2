from django.core.management.base import BaseCommand

from accounts.models import Organization
from mail.defaults import ensure_default_templates


class Command(BaseCommand):
    help = "Give every organisation the default email templates it lacks (edited ones are kept). Idempotent."

    def handle(self, *args, **options):
        created = sum(ensure_default_templates(organization) for organization in Organization.objects.all())
        self.stdout.write(f"{created} template(s) created.")
