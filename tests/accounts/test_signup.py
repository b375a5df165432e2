import pytest
from django.contrib import auth

from accounts.models import Membership, Organization, User
from accounts.services import create_organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "password1": "analytical-engine-1843",
    "password2": "analytical-engine-1843",
}


def test_signup_logs_the_user_in_and_redirects_to_onboarding(client):
    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 302
    assert response.url == "/onboarding/"
    user = User.objects.get(email="ada@example.com")
    assert user.name == "Ada Lovelace"
    assert user.check_password("analytical-engine-1843")
    assert auth.get_user(client).pk == user.pk
    assert not Organization.objects.exists()


def test_signup_stores_the_email_in_lower_case(client):
    client.post("/accounts/signup/", {**SIGNUP, "email": "Ada@Example.COM"})

    assert User.objects.filter(email="ada@example.com").exists()


def test_signup_with_mismatched_passwords_creates_nobody(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "password2": "something-else-entirely"})

    assert response.status_code == 200
    assert not User.objects.exists()
    assert auth.get_user(client).is_anonymous


def test_onboarding_creates_the_organisation_with_the_user_as_owner(client):
    client.post("/accounts/signup/", SIGNUP)

    response = client.post("/onboarding/", {"name": "Analytical Engines Ltd"})

    assert response.status_code == 302
    assert response.url == "/"
    organization = Organization.objects.get()
    assert organization.name == "Analytical Engines Ltd"
    assert organization.slug == "analytical-engines-ltd"
    membership = Membership.objects.get()
    assert membership.user.email == "ada@example.com"
    assert membership.organization == organization
    assert membership.role == Membership.Role.OWNER
    assert membership.is_active


def test_dashboard_after_onboarding_shows_the_organisation_name(client):
    client.post("/accounts/signup/", SIGNUP)
    client.post("/onboarding/", {"name": "Analytical Engines Ltd"})

    response = client.get("/")

    assert response.status_code == 200
    assert "Analytical Engines Ltd" in response.text
    assert "Good to see you, Ada" in response.text


def test_onboarding_with_a_blank_name_shows_an_error_and_creates_nothing(client_for):
    client = client_for(UserFactory())

    response = client.post("/onboarding/", {"name": "   "})

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


def test_onboarding_page_asks_for_the_organisation_name(client_for):
    response = client_for(UserFactory()).get("/onboarding/")

    assert response.status_code == 200
    assert 'name="name"' in response.text
    assert "Name your organisation" in response.text


def test_onboarding_requires_sign_in(client):
    response = client.get("/onboarding/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/onboarding/"


def test_user_with_an_organisation_is_redirected_from_onboarding_to_dashboard(client_for, owner):
    client = client_for(owner)

    assert client.get("/onboarding/").url == "/"
    response = client.post("/onboarding/", {"name": "A second company"})

    assert response.status_code == 302
    assert response.url == "/"
    assert not Organization.objects.filter(name="A second company").exists()
    assert Membership.objects.filter(user=owner).count() == 1


def test_signed_in_user_without_an_organisation_is_sent_to_onboarding(client_for):
    response = client_for(UserFactory()).get("/")

    assert response.status_code == 302
    assert response.url == "/onboarding/"


def test_two_organisations_with_the_same_name_get_different_slugs(client_for):
    first, second = UserFactory(), UserFactory()

    client_for(first).post("/onboarding/", {"name": "Acme"})
    client_for(second).post("/onboarding/", {"name": "Acme"})

    slugs = sorted(Organization.objects.filter(name="Acme").values_list("slug", flat=True))
    assert slugs == ["acme", "acme-2"]
    assert Membership.objects.get(user=first).organization.slug == "acme"
    assert Membership.objects.get(user=second).organization.slug == "acme-2"


def test_a_reserved_word_is_never_used_as_a_slug():
    organization = create_organization(owner=UserFactory(), name="Admin")

    assert organization.slug == "admin-2"


def test_a_name_without_latin_letters_still_gets_a_slug():
    OrganizationFactory(slug="organization")

    organization = create_organization(owner=UserFactory(), name="株式会社")

    assert organization.slug == "organization-2"


def test_signup_with_an_address_already_in_use_in_another_case_is_refused(client):
    UserFactory(email="ada@example.com")

    response = client.post("/accounts/signup/", {**SIGNUP, "email": "ADA@example.com"})

    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.text
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


def test_signup_is_refused_when_signups_are_closed(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False

    response = client.post("/accounts/signup/", SIGNUP)

    assert "Sign Up Closed" in response.text
    assert not User.objects.exists()


# --- Production: mandatory verification, and sign-up tells nobody who has an account --------------


def test_production_settings_make_verification_mandatory():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "ats.settings"}
    env.pop("ACCOUNT_EMAIL_VERIFICATION", None)
    read = "from django.conf import settings as s; print(s.ACCOUNT_EMAIL_VERIFICATION, s.ACCOUNT_PREVENT_ENUMERATION)"
    # A fresh interpreter: the settings module reads DEBUG once, at import.
    result = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True, check=True)  # noqa: S603

    assert result.stdout.split() == ["mandatory", "True"]


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def test_with_mandatory_verification_a_known_email_gets_the_same_answer_as_a_new_one(
    client, mandatory, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.com")

    # allauth's emails go through the outbox, delivered once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/accounts/signup/", SIGNUP)
        known = client.post("/accounts/signup/", {**SIGNUP, "email": "taken@example.com"})

    assert new.status_code == known.status_code == 302
    assert new.url == known.url == "/accounts/confirm-email/"
    assert User.objects.filter(email="taken@example.com").count() == 1
    # Each address hears about it by email, where only its owner reads it.
    assert sorted(message.to[0] for message in mailoutbox) == ["ada@example.com", "taken@example.com"]


def test_with_mandatory_verification_an_unconfirmed_user_is_not_signed_in(client, mandatory):
    client.post("/accounts/signup/", SIGNUP)

    assert not auth.get_user(client).is_authenticated
