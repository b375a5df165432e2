"""Settings → API keys: owners and admins list, create (the key shown once) and revoke their organisation's keys."""

import re

import pytest
from rest_framework.test import APIClient

from accounts.api_keys import issue_key
from accounts.models import ApiKey, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PAGE = "/organization/api-keys/"
CREATE = "/organization/api-keys/new/"


def member(user):
    return Membership.objects.get(user=user)


def test_the_empty_page_says_what_keys_are_for_and_how_to_send_them(client_for, owner):
    response = client_for(owner).get(PAGE)

    assert response.status_code == 200
    assert 'data-testid="empty-keys"' in response.text
    assert "No API keys yet" in response.text
    assert "Authorization: Bearer ats_…" in response.text
    assert 'name="name"' in response.text and 'name="access"' in response.text


def test_the_organisation_settings_page_links_to_api_keys(client_for, owner):
    response = client_for(owner).get("/organization/")

    assert response.status_code == 200
    assert f'href="{PAGE}"' in response.text


def test_the_page_lists_keys_with_their_facts(client_for, owner, organization):
    live, raw = issue_key(membership=member(owner), name="Nightly export", role="recruiter", read_only=True)
    revoked, _ = issue_key(membership=member(owner), name="Old sync", role="admin", read_only=False)
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at=live.created_at)

    response = client_for(owner).get(PAGE)

    assert response.status_code == 200
    assert "Nightly export" in response.text and f"{live.prefix}…" in response.text
    assert "Read-only" in response.text and "Read and write" in response.text
    assert "Never" in response.text  # last used
    assert "Revoked" in response.text
    assert raw not in response.text
    assert response.text.count('action="/organization/api-keys/') == 2  # create, and one revoke for the live key


def test_creating_a_key_shows_it_once(client_for, owner, organization):
    client = client_for(owner)

    response = client.post(CREATE, {"name": "Zapier", "role": "recruiter", "access": "read_write"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = re.search(r'id="new-key-value"[^>]*>(ats_[^<]+)</textarea>', response.text).group(1)
    assert "You won't see it again" in response.text
    key = ApiKey.objects.get()
    assert (key.name, key.role, key.read_only, key.created_by) == ("Zapier", "recruiter", False, owner)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert script.get("/api/v1/jobs/").status_code == 200
    assert raw not in client.get(PAGE).text


def test_a_form_with_errors_keeps_what_was_typed_and_creates_nothing(client_for, owner):
    response = client_for(owner).post(CREATE, {"name": "  ", "role": "recruiter", "access": "read_only"})

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not ApiKey.objects.exists()


def test_an_admin_is_not_offered_the_owner_role_and_cannot_post_it(client_for, organization):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    client = client_for(admin)

    assert 'value="owner"' not in client.get(PAGE).text
    response = client.post(CREATE, {"name": "Root", "role": "owner", "access": "read_write"})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_revoke_asks_first_and_keeps_the_row(client_for, owner):
    key, raw = issue_key(membership=member(owner), name="Export", role="recruiter", read_only=True)
    client = client_for(owner)

    assert 'data-confirm="Revoke the key “Export”?' in client.get(PAGE).text
    response = client.post(f"/organization/api-keys/{key.pk}/revoke/")

    assert response.status_code == 302
    assert response.url == PAGE
    key.refresh_from_db()
    assert key.revoked_at is not None
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert script.get("/api/v1/jobs/").status_code == 401


def test_revoke_refuses_get(client_for, owner):
    key, _ = issue_key(membership=member(owner), name="Export", role="recruiter", read_only=True)

    response = client_for(owner).get(f"/organization/api-keys/{key.pk}/revoke/")

    assert response.status_code == 405
    key.refresh_from_db()
    assert key.revoked_at is None


def test_another_organisations_key_is_a_404(client_for, owner, other_organization):
    theirs, _ = issue_key(
        membership=Membership.objects.get(organization=other_organization),
        name="Theirs",
        role="recruiter",
        read_only=True,
    )

    response = client_for(owner).post(f"/organization/api-keys/{theirs.pk}/revoke/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_other_roles_are_refused(client_for, owner, organization, role):
    key, _ = issue_key(membership=member(owner), name="Export", role="recruiter", read_only=True)
    client = client_for(MembershipFactory(organization=organization, role=role).user)

    assert client.get(PAGE).status_code == 403
    assert client.post(CREATE, {"name": "Mine", "role": "recruiter", "access": "read_only"}).status_code == 403
    assert client.post(f"/organization/api-keys/{key.pk}/revoke/").status_code == 403
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.revoked_at is None


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={PAGE}"
