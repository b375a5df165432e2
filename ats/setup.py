"""Orchestration across apps: an organisation with what every app gives it to start with.

Every path that makes an organisation (onboarding, Django admin, the demo data,
later the API's register) calls create_organization_with_defaults(), so none
of them starts without stages, rejection reasons or email templates, and no
page has to create them on first view.
"""

from django.db import transaction

from accounts import services as accounts
from jobs.stages import create_default_template
from mail.defaults import ensure_default_templates
from pipeline.applications.services import create_default_rejection_reasons
from pipeline.automation.defaults import add_default_actions


@transaction.atomic
def create_organization_with_defaults(*, owner=None, organization=None, **fields):
    """A new organisation (`owner` its first owner), with its default stages, rejection reasons and templates.

    `organization` is an unsaved instance to save instead of building one from
    `fields` (Django admin's add form).
    """
    if organization is None:
        organization = accounts.create_organization(owner=owner, **fields)
    else:
        organization.save()
    add_organization_defaults(organization)
    return organization


def add_organization_defaults(organization):
    """Idempotent: what an organisation starts with (a second call creates nothing)."""
    ensure_default_templates(organization)  # first: the default stages' actions name email templates
    template = create_default_template(organization)
    add_default_actions(template.stages.all(), organization)
    create_default_rejection_reasons(organization)
