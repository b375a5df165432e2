"""The email template editor: the variable picker and the live preview, in a real browser."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, Organization
from mail.defaults import ensure_default_templates
from mail.models import EmailTemplate

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "owner-pass-123"


def test_a_picked_variable_is_inserted_and_previewed_with_sample_data(page, screenshot, django_user_model):
    owner = django_user_model.objects.create_user(email="olivia@acme.test", password=PASSWORD, name="Olivia Owner")
    organization = Organization.objects.create(name="Acme", slug="acme")
    Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    ensure_default_templates(organization)
    template = EmailTemplate.objects.get(organization=organization, key="rejection")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"/mail/templates/{template.pk}/")

    body = page.locator("#id_html_body")
    body.fill("<p>Dear </p>")
    body.evaluate("el => el.setSelectionRange(8, 8)")  # the cursor just after "Dear "
    page.get_by_role("button", name="{{ candidate.first_name }}").click()

    expect(body).to_have_value("<p>Dear {{ candidate.first_name }}</p>")
    preview = page.frame_locator("iframe.mail-preview")
    # The message in the organisation's layout (mail.branding): its own cell, then the footer with its name.
    expect(preview.get_by_text("Dear Ada", exact=True)).to_be_visible()
    expect(preview.locator("body")).to_contain_text("Acme")
    screenshot("mail-template-editor")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Template saved.")).to_be_visible()
    template.refresh_from_db()
    assert template.html_body == "<p>Dear {{ candidate.first_name }}</p>"
