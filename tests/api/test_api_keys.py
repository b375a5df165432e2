"""/api/v1/api-keys/: owners and admins list, create (the key shown once), read and revoke their organisation's keys."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.api_keys import issue_key
from accounts.models import ApiKey, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/api-keys/"


def member(user):
    return Membership.objects.get(user=user)


def make_key(user, name="Nightly export", role=Membership.Role.RECRUITER, read_only=True):
    return issue_key(membership=member(user), name=name, role=role, read_only=read_only)


def test_keys_need_credentials(owner):
    key, _ = make_key(owner)

    for response in (
        APIClient().get(URL),
        APIClient().get(f"{URL}{key.pk}/"),
        APIClient().post(URL, {}, format="json"),
    ):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_admins_list_their_keys_without_the_secret(api_for, owner, organization, other_organization):
    key, raw = make_key(owner)
    foreign_owner = Membership.objects.get(organization=other_organization).user
    make_key(foreign_owner, name="Theirs")

    response = api_for(owner).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": key.pk,
        "name": "Nightly export",
        "prefix": raw[:12],
        "role": "recruiter",
        "read_only": True,
        "is_active": True,
        "created_by": owner.email,
        "created_at": body["results"][0]["created_at"],
        "last_used_at": None,
        "revoked_at": None,
    }
    assert raw not in response.content.decode()
    assert key.hashed not in response.content.decode()


def test_create_answers_the_key_once_and_it_works(api_for, owner, organization):
    response = api_for(owner).post(URL, {"name": "Zapier", "role": "recruiter", "read_only": False}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith("ats_")
    assert body["name"] == "Zapier" and body["role"] == "recruiter" and body["read_only"] is False
    key = ApiKey.objects.get(pk=body["id"])
    assert (key.organization, key.created_by, key.prefix) == (organization, owner, body["key"][:12])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['key']}")
    assert client.get("/api/v1/jobs/").status_code == 200
    assert client.get("/api/users/").status_code == 403  # the key's role (recruiter), not its creator's (owner)
    # Never again: reading the key back shows its prefix only.
    again = api_for(owner).get(f"{URL}{key.pk}/").json()
    assert "key" not in again and again["prefix"] == body["key"][:12]


def test_keys_are_read_only_unless_told(api_for, owner):
    response = api_for(owner).post(URL, {"name": "Export", "role": "recruiter"}, format="json")

    assert response.status_code == 201
    assert ApiKey.objects.get(pk=response.json()["id"]).read_only is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  ", "role": "recruiter"}, "name"),
        ({"name": "x" * 101, "role": "recruiter"}, "name"),
        ({"name": "Export", "role": "emperor"}, "role"),
        ({"role": "recruiter"}, "name"),
    ],
)
def test_create_refuses_bad_values_by_field(api_for, owner, body, field):
    response = api_for(owner).post(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("body", [[], "x", None])
def test_create_with_a_body_that_is_not_an_object_is_a_400(api_for, owner, body):
    response = api_for(owner).post(URL, body, format="json")

    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_an_admin_cannot_create_an_owner_key(api_for, organization):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user

    response = api_for(admin).post(URL, {"name": "Root", "role": "owner"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"role": ["Only an owner can create a key with the owner role."]}


def test_other_roles_may_not_read_or_create_keys(api_for, owner, recruiter, hiring_manager, interviewer):
    key, _ = make_key(owner)
    for user in (recruiter, hiring_manager, interviewer):
        client = api_for(user)

        for response in (
            client.get(URL),
            client.get(f"{URL}{key.pk}/"),
            client.post(URL, {"name": "Mine", "role": "recruiter"}, format="json"),
            client.delete(f"{URL}{key.pk}/"),
        ):
            assert response.status_code == 403
            assert response.json() == {"detail": "Your role does not allow this."}
    assert ApiKey.objects.count() == 1
    assert ApiKey.objects.get().revoked_at is None


def test_another_organisations_key_is_a_404(api_for, owner, other_organization):
    foreign_owner = Membership.objects.get(organization=other_organization).user
    theirs, _ = make_key(foreign_owner)
    client = api_for(owner)

    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    response = client.delete(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No ApiKey matches the given query."}
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("pk", ["abc", "-1", str(10**30)])
def test_odd_ids_are_404s(api_for, owner, pk):
    assert api_for(owner).get(f"{URL}{pk}/").status_code == 404


def test_delete_revokes_the_key_and_keeps_the_row(api_for, owner):
    key, raw = make_key(owner)
    client = api_for(owner)

    response = client.delete(f"{URL}{key.pk}/")

    assert response.status_code == 204
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get(f"{URL}{key.pk}/").json()["is_active"] is False
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert script.get("/api/profile/").status_code == 401
    assert client.delete(f"{URL}{key.pk}/").status_code == 204  # already revoked: still revoked


def test_a_read_only_key_reads_keys_but_cannot_create_or_revoke_them(api_key_for, owner):
    key, _ = make_key(owner)
    client = api_key_for(member(owner), read_only=True)

    assert client.get(URL).json()["count"] == 2  # the one above and the client's own
    response = client.post(URL, {"name": "Another", "role": "recruiter"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}
    assert client.delete(f"{URL}{key.pk}/").status_code == 403
    assert ApiKey.objects.count() == 2
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_read_write_admin_key_creates_keys_as_its_creator(api_key_for, owner):
    client = api_key_for(member(owner), role=Membership.Role.ADMIN)

    response = client.post(URL, {"name": "Child", "role": "recruiter", "read_only": True}, format="json")

    assert response.status_code == 201
    assert ApiKey.objects.get(pk=response.json()["id"]).created_by == owner


def test_the_list_paginates_and_searches(api_for, owner):
    for n in range(3):
        make_key(owner, name=f"Export {n}")
    make_key(owner, name="Zapier")
    client = api_for(owner)

    page = client.get(URL, {"page_size": 2}).json()
    found = client.get(URL, {"search": "zap"}).json()

    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert [row["name"] for row in page["results"]] == ["Zapier", "Export 2"]  # newest first
    assert [row["name"] for row in found["results"]] == ["Zapier"]


def test_the_list_costs_no_query_per_key(api_for, owner, organization):
    client = api_for(owner)
    make_key(owner)
    client.get(URL)  # the rate limit's counter is created on the first call
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    for n in range(5):
        make_key(admin, name=f"Key {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)

    assert response.json()["count"] == 6
    assert len(many) == len(few)


def test_a_key_cannot_revoke_itself(owner):
    key, raw = make_key(owner, name="Admin script", role=Membership.Role.OWNER, read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = client.delete(f"{URL}{key.pk}/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "A key can't revoke itself: revoke it on the API keys page or with another key."
    }
    key.refresh_from_db()
    assert key.revoked_at is None
    assert client.get(URL).status_code == 200
