"""The API's shared plumbing, through a small endpoint: credentials, organisation, keys, errors, limits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.authentication import tokens_for
from accounts.api_keys import issue_key, revoke_key
from accounts.models import ApiKey, Membership
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.plumbing_urls")]
URL = "/api/v1/echo/"


def member(user):
    return Membership.objects.get(user=user)


def test_no_credentials_is_a_401_that_asks_for_a_bearer_token(client):
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_jwt_acts_in_the_organisation_it_names(api_for, owner, organization):
    other = OrganizationFactory(name="Second")
    MembershipFactory(organization=other, user=owner, role=Membership.Role.RECRUITER)

    first = api_for(owner).get(URL)
    second = api_for(owner, other).get(URL)

    assert first.status_code == 200
    assert first.json() == {"user": owner.email, "organization": organization.pk, "role": "owner"}
    assert second.json()["organization"] == other.pk
    assert second.json()["role"] == "recruiter"


def test_a_token_stops_working_when_its_membership_ends(api_for, recruiter):
    client = api_for(recruiter)
    Membership.objects.filter(user=recruiter).update(is_active=False)

    response = client.get(URL)

    assert response.status_code == 401
    assert "no longer a member" in response.json()["detail"]


def test_a_garbled_token_is_a_401(recruiter):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("keyword", ["Bearer", "Token"])
def test_an_api_key_acts_with_its_own_role(owner, organization, keyword):
    key, raw = issue_key(
        membership=member(owner), name="Nightly export", role=Membership.Role.RECRUITER, read_only=False
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"user": owner.email, "organization": organization.pk, "role": "recruiter"}
    assert raw.startswith("ats_") and key.prefix == raw[:12]
    assert ApiKey.objects.get(pk=key.pk).hashed != raw  # only the digest is stored


def test_a_revoked_key_or_a_departed_creator_is_a_401(owner, organization):
    _, raw = issue_key(membership=member(owner), name="Script", role=Membership.Role.RECRUITER, read_only=True)
    revoked, raw_revoked = issue_key(
        membership=member(owner), name="Old", role=Membership.Role.RECRUITER, read_only=True
    )
    revoke_key(membership=member(owner), key=revoked)
    client = APIClient()

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_revoked}")
    assert client.get(URL).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(URL).status_code == 200
    Membership.objects.filter(user=owner).update(is_active=False)
    assert client.get(URL).status_code == 401


def test_a_read_only_key_reads_but_does_not_write(api_key_for, owner):
    client = api_key_for(member(owner), read_only=True)

    assert client.get(URL).status_code == 200
    response = client.post(URL, {"title": "x"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}
    assert api_key_for(member(owner)).post(URL, {"title": "x"}, format="json").status_code == 201


def test_keys_are_issued_by_admins_only_and_never_above_the_issuer(owner, organization):
    recruiter = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER)
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN)
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        issue_key(membership=recruiter, name="Mine", role=Membership.Role.RECRUITER, read_only=True)
    with pytest.raises(ValidationError) as refused:
        issue_key(membership=admin, name="Mine", role=Membership.Role.OWNER, read_only=True)
    assert "owner" in str(refused.value.message_dict["role"])
    with pytest.raises(ValidationError):
        issue_key(membership=admin, name="  ", role=Membership.Role.RECRUITER, read_only=True)


def test_last_used_is_written_at_most_once_a_minute(owner, django_assert_num_queries):
    key, raw = issue_key(membership=member(owner), name="Busy", role=Membership.Role.RECRUITER, read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    client.get(URL)
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    client.get(URL)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get(URL)
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


def test_a_null_character_in_a_json_string_is_a_400(api_for, owner):
    client = api_for(owner)

    for body in ('{"title": "a\\u0000b"}', '{"a\\u0000": 1}', '{"list": ["\\ud800"]}'):
        response = client.post(URL, body, content_type="application/json")
        assert response.status_code == 400, body
        assert "null character" in response.json()["detail"]
    assert client.post(URL, '{"title": "plain"}', content_type="application/json").status_code == 201


def test_malformed_json_is_a_400(api_for, owner):
    response = api_for(owner).post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_services_validation_error_is_the_field_keyed_400(api_for, owner):
    response = api_for(owner).post(URL, {"fail": True}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["Give the job a title."], "non_field_errors": ["And something else."]}


def test_signed_in_without_an_organisation_is_a_403(db):
    from tests.factories import UserFactory

    user = UserFactory()
    refresh, membership = tokens_for(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")

    response = client.get(URL)

    assert membership is None
    assert response.status_code == 403


def test_over_the_limit_is_a_429_with_retry_after(api_for, owner, organization, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "3/min"}
    client = api_for(owner)

    statuses = [client.get(URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(URL)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api_for(MembershipFactory(organization=organization).user).get(URL).status_code == 200  # per caller


def test_anonymous_callers_are_limited_per_address(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "2/min"}
    client = APIClient()

    statuses = [client.get("/api/v1/public/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert APIClient(REMOTE_ADDR="10.1.2.3").get("/api/v1/public/").status_code == 200


def test_throttling_can_be_turned_off(api_for, owner, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "1/min"}
    settings.API_THROTTLE = False
    client = api_for(owner)

    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]


def test_a_key_stops_lending_a_role_its_creator_can_no_longer_give(organization):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN)
    _, raw = issue_key(membership=admin, name="Admin script", role=Membership.Role.ADMIN, read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(URL).json()["role"] == "admin"

    Membership.objects.filter(pk=admin.pk).update(role=Membership.Role.INTERVIEWER)

    assert client.get(URL).status_code == 401


def test_json_nested_thousands_deep_is_a_400(api_for, owner):
    response = api_for(owner).post(URL, "[" * 5000 + "]" * 5000, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested too deeply."}


@pytest.mark.urls("ats.urls")
@pytest.mark.parametrize("path", ["/api/profile/", "/api/notifications/", "/api/preferences/"])
def test_a_persons_own_things_are_not_an_api_keys(api_key_for, api_for, owner, path):
    response = api_key_for(member(owner)).get(path)

    assert response.status_code == 403
    assert "not for a person" in response.json()["detail"]
    assert api_for(owner).get(path).status_code == 200
