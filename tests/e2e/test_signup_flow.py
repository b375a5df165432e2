import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, Organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_user_signs_up_creates_an_organisation_and_reaches_the_dashboard(page, screenshot):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="sign up").click()

    page.get_by_label("Your name").fill("Dana Founder")
    page.get_by_label("Email").fill("dana@northwind.test")
    page.get_by_role("textbox", name=re.compile(r"^Password\*?$")).fill("correct-horse-battery-9")
    page.get_by_label("Password (again)").fill("correct-horse-battery-9")
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/onboarding/$"))
    page.get_by_label("Organisation name").fill("Northwind Traders")
    page.get_by_role("button", name="Create organisation").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Good to see you, Dana")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("Welcome to Northwind Traders")
    expect(page.get_by_role("link", name="Invite people")).to_be_visible()
    assert screenshot("dashboard-after-signup").exists()

    organization = Organization.objects.get(name="Northwind Traders")
    membership = Membership.objects.get(organization=organization)
    assert membership.user.email == "dana@northwind.test"
    assert membership.role == Membership.Role.OWNER


def test_the_dashboard_is_usable_on_a_phone(page, screenshot, django_user_model):
    user = django_user_model.objects.create_user(email="pat@example.test", password="p", name="Pat Phone")
    organization = Organization.objects.create(name="Small Shop", slug="small-shop")
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.OWNER)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("pat@example.test")
    page.get_by_label("Password").fill("p")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Good to see you, Pat")).to_be_visible()

    # The menu collapses behind the toggler and opens on tap.
    team_link = page.get_by_role("link", name="Team")
    expect(team_link).to_be_hidden()
    page.get_by_role("button", name="Open the menu").click()
    expect(team_link).to_be_visible()
    # Nothing overflows sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("dashboard-phone")
