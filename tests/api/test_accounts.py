"""The accounts endpoints: register, login, token refresh, profile, users, password reset, societies."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from jobs.models import StageTemplate
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = {
    "email": "ada@example.com",
    "password": "analytical-engine-1843",
    "first_name": "Ada",
    "last_name": "Lovelace",
}


def member(user, organization=None):
    memberships = Membership.objects.filter(user=user)
    return memberships.get(organization=organization) if organization else memberships.get()


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


@pytest.fixture
def second_organization(owner):
    """Another organisation where the owner is a recruiter (joined after the first)."""
    other = OrganizationFactory(name="Second Co", slug="second-co")
    MembershipFactory(organization=other, user=owner, role=Membership.Role.RECRUITER)
    return other


def login(client=None, **body):
    return (client or APIClient()).post("/api/login/", body, format="json")


# --- Register -------------------------------------------------------------------------------------


def test_register_creates_the_user_and_an_organisation_they_own_with_its_defaults(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post("/api/register/", {**REGISTER, "organization_name": "Engines Ltd"}, format="json")

    assert response.status_code == 201
    assert response.json()["email"] == "ada@example.com"
    assert not response.cookies  # no session: an API call keeps no state in the browser
    user = User.objects.get(email="ada@example.com")
    assert user.name == "Ada Lovelace"
    assert user.check_password("analytical-engine-1843")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    assert membership.organization.name == "Engines Ltd"
    assert StageTemplate.objects.filter(organization=membership.organization, is_default=True).exists()
    assert EmailAddress.objects.get(user=user).verified is False
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]  # the confirmation link
    assert "confirm" in mailoutbox[0].subject.lower()


def test_register_names_the_organisation_after_the_person_when_not_told():
    response = APIClient().post("/api/register/", REGISTER, format="json")

    assert response.status_code == 201
    assert Organization.objects.get().name == "Ada Lovelace's organisation"


@pytest.mark.parametrize("verification", ["mandatory", "optional"])
def test_register_with_an_existing_address_answers_exactly_like_a_new_one(
    settings, verification, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    UserFactory(email="taken@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        new = APIClient().post("/api/register/", REGISTER, format="json")
        known = APIClient().post("/api/register/", {**REGISTER, "email": "Taken@Example.com"}, format="json")

    assert new.status_code == known.status_code == 201
    assert new.json()["detail"] == known.json()["detail"]
    assert known.json()["email"] == "taken@example.com"
    assert sorted(new.json()) == sorted(known.json()) == ["detail", "email"]
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert Organization.objects.count() == 1  # Ada's only
    # The existing account's owner hears that someone tried, in their own inbox.
    to_known = [message for message in mailoutbox if message.to == ["taken@example.com"]]
    assert len(to_known) == 1
    assert "already" in to_known[0].body.lower()


def test_register_refuses_a_weak_password_naming_the_password_field():
    response = APIClient().post("/api/register/", {**REGISTER, "password": "12345678"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert "too common" in " ".join(response.json()["password"])
    assert not User.objects.exists()


def test_register_is_refused_when_signups_are_closed(settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False

    response = APIClient().post("/api/register/", REGISTER, format="json")

    assert response.status_code == 403
    assert "Registration is closed" in response.json()["detail"]
    assert not User.objects.exists()


@pytest.mark.parametrize("body", [[], "x", {}, {"email": "not-an-address", "password": "x", "first_name": "A"}])
def test_register_with_a_bad_body_is_a_400(body):
    response = APIClient().post("/api/register/", body, format="json")

    assert response.status_code == 400
    assert response.json()
    assert not User.objects.exists()


# --- Login ----------------------------------------------------------------------------------------


def test_login_returns_tokens_and_the_user(owner, organization):
    response = login(email=owner.email, password=PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert not response.cookies
    assert body["user"]["email"] == owner.email
    assert body["user"]["organization"] == {"id": organization.pk, "name": organization.name, "slug": organization.slug}
    assert body["user"]["role"] == "owner"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert client.get("/api/profile/").json()["id"] == owner.pk


def test_login_accepts_the_email_as_username_in_any_case(owner):
    response = login(username=owner.email.upper(), password=PASSWORD)

    assert response.status_code == 200
    assert response.json()["user"]["id"] == owner.pk


@pytest.mark.parametrize("email", ["owner", "nobody@example.com"])
def test_wrong_credentials_are_a_401(owner, email):
    response = login(email=owner.email if email == "owner" else email, password="not-the-password")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unable to sign in with the email address and password given."}


def test_an_inactive_user_cannot_log_in(owner):
    User.objects.filter(pk=owner.pk).update(is_active=False)

    response = login(email=owner.email, password=PASSWORD)

    assert response.status_code == 401
    assert "access" not in response.json()


def test_login_without_an_email_names_the_email_field():
    response = login(password=PASSWORD)

    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_login_in_the_second_of_two_organisations_acts_there(owner, organization, second_organization):
    for chosen in (str(second_organization.pk), second_organization.slug):
        response = login(email=owner.email, password=PASSWORD, organization=chosen)

        assert response.status_code == 200
        assert response.json()["user"]["organization"]["id"] == second_organization.pk
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
        profile = client.get("/api/profile/").json()
        assert profile["organization"]["slug"] == "second-co"
        assert profile["role"] == "recruiter"


@pytest.mark.parametrize("chosen", ["other", "9999999999999999999999", "１２", "-1"])
def test_login_in_an_organisation_you_are_not_in_names_the_organization_field(owner, other_organization, chosen):
    response = login(
        email=owner.email, password=PASSWORD, organization=str(other_organization.pk) if chosen == "other" else chosen
    )

    assert response.status_code == 400
    assert response.json() == {"organization": ["You are not a member of this organisation."]}


def test_two_factor_accounts_are_refused_a_password_only_login(owner):
    Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={"secret": "x"})

    response = login(email=owner.email, password=PASSWORD)

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    assert "API key" in response.json()["detail"]
    assert "access" not in response.json()


def test_with_mandatory_verification_an_unconfirmed_address_is_refused_and_sent_a_link(
    owner, mandatory, mailoutbox, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=owner, email=owner.email, primary=True, verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(email=owner.email, password=PASSWORD)

    assert response.status_code == 403
    assert "Confirm your email address" in response.json()["detail"]
    assert [message.to for message in mailoutbox] == [[owner.email]]
    EmailAddress.objects.filter(user=owner).update(verified=True)
    assert login(email=owner.email, password=PASSWORD).status_code == 200


def test_with_mandatory_verification_an_account_without_an_address_row_is_sent_a_link_too(
    owner, mandatory, mailoutbox, django_capture_on_commit_callbacks
):
    assert not EmailAddress.objects.filter(user=owner).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(email=owner.email, password=PASSWORD)

    assert response.status_code == 403
    assert EmailAddress.objects.get(user=owner).verified is False
    assert [message.to for message in mailoutbox] == [[owner.email]]


def test_the_eleventh_login_in_a_minute_is_a_429_with_retry_after(owner, settings):
    settings.API_THROTTLE = True
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "strict": "10/min"}

    statuses = [login(email=owner.email, password="wrong").status_code for _ in range(10)]
    response = login(email=owner.email, password=PASSWORD)

    assert statuses == [401] * 10
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


# --- Token refresh --------------------------------------------------------------------------------


def test_refresh_keeps_the_organisation(owner, second_organization):
    tokens = login(email=owner.email, password=PASSWORD, organization=second_organization.slug).json()

    response = APIClient().post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert client.get("/api/profile/").json()["organization"]["id"] == second_organization.pk


def test_refresh_for_a_membership_that_ended_is_a_401(owner, second_organization):
    tokens = login(email=owner.email, password=PASSWORD, organization=second_organization.slug).json()
    Membership.objects.filter(user=owner, organization=second_organization).update(is_active=False)

    response = APIClient().post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 401
    assert "no longer a member" in response.json()["detail"]


def test_a_garbled_refresh_token_is_a_401():
    response = APIClient().post("/api/token/refresh/", {"refresh": "not.a.token"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


# --- Profile --------------------------------------------------------------------------------------


def test_profile_needs_credentials():
    response = APIClient().get("/api/profile/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_profile_shows_the_user_organisation_and_role(api_for, recruiter, organization):
    User.objects.filter(pk=recruiter.pk).update(name="Grace Brewster Hopper", timezone="Europe/Paris")

    response = api_for(recruiter).get("/api/profile/")

    assert response.status_code == 200
    assert response.json() == {
        "id": recruiter.pk,
        "email": recruiter.email,
        "name": "Grace Brewster Hopper",
        "first_name": "Grace",
        "last_name": "Brewster Hopper",
        "timezone": "Europe/Paris",
        "organization": {"id": organization.pk, "name": "Acme Corp", "slug": organization.slug},
        "role": "recruiter",
    }


def test_profile_patch_changes_names_and_zone_but_not_the_email(api_for, recruiter):
    client = api_for(recruiter)

    response = client.patch(
        "/api/profile/",
        {"first_name": "Grace", "last_name": "Hopper", "timezone": "America/New_York", "email": "x@example.com"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Grace Hopper"
    recruiter.refresh_from_db()
    assert (recruiter.name, recruiter.timezone) == ("Grace Hopper", "America/New_York")
    assert recruiter.email != "x@example.com"
    assert client.patch("/api/profile/", {"last_name": "Murray"}, format="json").json()["name"] == "Grace Murray"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "x" * 151}, "name"),
        ({"first_name": "A", "name": "B"}, "name"),
    ],
)
def test_profile_patch_refuses_bad_values_by_field(api_for, recruiter, body, field):
    response = api_for(recruiter).patch("/api/profile/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    recruiter.refresh_from_db()
    assert recruiter.timezone == ""


def test_an_api_key_neither_reads_nor_changes_its_creators_profile(api_key_for, owner):
    client = api_key_for(member(owner), read_only=False)

    assert client.get("/api/profile/").status_code == 403
    response = client.patch("/api/profile/", {"name": "Changed"}, format="json")
    assert response.status_code == 403
    assert "not for a person" in response.json()["detail"]
    owner.refresh_from_db()
    assert owner.name != "Changed"


# --- Users ----------------------------------------------------------------------------------------


def test_users_lists_my_organisations_members_to_admins(api_for, owner, recruiter, other_organization):
    response = api_for(owner).get("/api/users/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert sorted(row["email"] for row in body["results"]) == sorted([owner.email, recruiter.email])
    row = next(row for row in body["results"] if row["email"] == recruiter.email)
    assert row["id"] == recruiter.pk
    assert row["role"] == "recruiter"
    assert row["is_active"] is True


def test_users_search_and_paginate(api_for, owner, organization):
    for n in range(3):
        MembershipFactory(organization=organization, user=UserFactory(email=f"grace{n}@example.com"))
    client = api_for(owner)

    found = client.get("/api/users/", {"search": "grace"}).json()
    page = client.get("/api/users/", {"page_size": 2}).json()

    assert found["count"] == 3
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]


def test_users_are_refused_to_roles_without_manage_members(api_for, recruiter):
    response = api_for(recruiter).get("/api/users/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_users_list_costs_no_query_per_member(api_for, owner, organization):
    client = api_for(owner)
    client.get("/api/users/")  # the rate limit's counter is created on the first call
    with CaptureQueriesContext(connection) as few:
        client.get("/api/users/")
    for _ in range(5):
        MembershipFactory(organization=organization)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/users/")

    assert response.json()["count"] == 6
    assert len(many) == len(few)


# --- Password reset -------------------------------------------------------------------------------


def test_password_reset_sends_the_sites_reset_email_to_a_known_address(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post("/api/password-reset/", {"email": owner.email.upper()}, format="json")

    assert response.status_code == 200
    assert not response.cookies
    assert [message.to for message in mailoutbox] == [[owner.email]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_password_reset_answers_the_same_and_sends_nothing_for_an_unknown_address(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = APIClient().post("/api/password-reset/", {"email": owner.email}, format="json")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = APIClient().post("/api/password-reset/", {"email": "nobody@example.com"}, format="json")

    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert "If an account uses this address" in unknown.json()["detail"]
    assert mailoutbox == []


def test_password_reset_keeps_allauths_limit_per_address(
    owner, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/key"}

    with django_capture_on_commit_callbacks(execute=True):
        first = APIClient().post("/api/password-reset/", {"email": owner.email}, format="json")
        second = APIClient().post("/api/password-reset/", {"email": owner.email}, format="json")

    assert first.status_code == 200
    assert second.status_code == 429
    assert "Too many reset emails" in second.json()["detail"]
    assert len(mailoutbox) == 1


def test_password_reset_with_a_bad_address_is_a_400():
    response = APIClient().post("/api/password-reset/", {"email": "not an address"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["email"]


# --- Societies (the organisation profile) ---------------------------------------------------------


def test_societies_lists_only_my_organisation(api_for, recruiter, organization, other_organization):
    response = api_for(recruiter).get("/api/v1/societies/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert body["results"][0]["id"] == organization.pk
    assert body["results"][0]["name"] == "Acme Corp"
    assert "logo" not in body["results"][0]


def test_another_organisations_society_is_a_404(api_for, owner, other_organization):
    client = api_for(owner)

    assert client.get(f"/api/v1/societies/{other_organization.pk}/").status_code == 404
    response = client.patch(f"/api/v1/societies/{other_organization.pk}/", {"name": "Mine"}, format="json")
    assert response.status_code == 404
    other_organization.refresh_from_db()
    assert other_organization.name == "Globex"


def test_societies_need_credentials(organization):
    assert APIClient().get("/api/v1/societies/").status_code == 401
    assert APIClient().get(f"/api/v1/societies/{organization.pk}/").status_code == 401


def test_owner_updates_the_society(api_for, owner, organization):
    url = f"/api/v1/societies/{organization.pk}/"

    response = api_for(owner).patch(url, {"website": "acme.example", "data_retention_days": 90}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["website"] == "https://acme.example"  # as the settings page reads it
    organization.refresh_from_db()
    assert (organization.website, organization.data_retention_days) == ("https://acme.example", 90)


def test_put_replaces_the_society_profile(api_for, owner, organization):
    body = {"name": "Acme Two", "slug": "acme-two", "timezone": "Europe/Paris", "industry": "Rockets"}

    response = api_for(owner).put(f"/api/v1/societies/{organization.pk}/", body, format="json")

    assert response.status_code == 200
    organization.refresh_from_db()
    assert (organization.name, organization.slug, organization.timezone) == ("Acme Two", "acme-two", "Europe/Paris")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "admin"}, "slug"),
        ({"data_retention_days": 10}, "data_retention_days"),
        ({"data_retention_days": 10**30}, "data_retention_days"),
        ({"timezone": "Nowhere/Else"}, "timezone"),
        ({"size": "huge"}, "size"),
        ({"brand_colour": "red"}, "brand_colour"),
    ],
)
def test_society_updates_follow_the_settings_pages_rules(api_for, owner, organization, body, field):
    response = api_for(owner).patch(f"/api/v1/societies/{organization.pk}/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_recruiters_read_but_do_not_change_the_society(api_for, recruiter, organization):
    client = api_for(recruiter)

    assert client.get(f"/api/v1/societies/{organization.pk}/").status_code == 200
    response = client.patch(f"/api/v1/societies/{organization.pk}/", {"name": "Hacked"}, format="json")
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.name == "Acme Corp"


def test_a_read_only_key_reads_the_society_but_does_not_change_it(api_key_for, owner, organization):
    client = api_key_for(member(owner), read_only=True)

    assert client.get("/api/v1/societies/").json()["count"] == 1
    response = client.patch(f"/api/v1/societies/{organization.pk}/", {"name": "Changed"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}


# --- Odd input is never a server error ------------------------------------------------------------

ODD_VALUES = [None, 10**30, -1, "x" * 5000, [], {}, True, "１２", "Ω"]
ENDPOINTS = [
    ("post", "/api/register/", ["email", "password", "first_name", "last_name", "username", "organization_name"]),
    ("post", "/api/login/", ["email", "username", "password", "organization"]),
    ("post", "/api/token/refresh/", ["refresh"]),
    ("patch", "/api/profile/", ["name", "first_name", "last_name", "timezone"]),
    ("post", "/api/password-reset/", ["email"]),
    ("patch", "/api/v1/societies/{org}/", ["name", "slug", "website", "size", "data_retention_days", "timezone"]),
    ("put", "/api/v1/societies/{org}/", ["name", "slug", "privacy_policy_url", "brand_colour"]),
    ("post", "/api/v1/api-keys/", ["name", "role", "read_only"]),
]


@pytest.mark.parametrize(("method", "url", "fields"), ENDPOINTS, ids=[f"{m} {u}" for m, u, _ in ENDPOINTS])
def test_odd_values_in_any_field_are_never_a_server_error(api_for, owner, organization, method, url, fields):
    client = api_for(owner)
    client.raise_request_exception = False
    url = url.format(org=organization.pk)
    bodies = [[], "x", 12, {}] + [{field: value} for field in fields for value in ODD_VALUES]

    statuses = {getattr(client, method)(url, body, format="json").status_code for body in bodies}

    assert max(statuses) < 500, statuses
    assert 400 in statuses
