import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Membership
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def some_rows(organization):
    """Rows in the foundation tables so the changelists render real data."""
    MembershipFactory(organization=organization, role=Membership.Role.OWNER)
    InvitationFactory(organization=organization)


@pytest.mark.parametrize("model", REGISTERED, ids=[model._meta.label for model in REGISTERED])
def test_admin_changelist_loads(superuser_client, some_rows, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = superuser_client.get(url)

    assert response.status_code == 200
    assert 'id="changelist"' in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=[model._meta.label for model in REGISTERED])
def test_admin_changelist_search_loads(superuser_client, some_rows, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = superuser_client.get(url, {"q": "example"})

    assert response.status_code == 200


@pytest.mark.parametrize("name", ["user", "organization", "membership", "invitation"])
def test_admin_add_page_loads_for_foundation_models(superuser_client, name):
    assert superuser_client.get(reverse(f"admin:accounts_{name}_add")).status_code == 200


def test_admin_search_finds_a_user_by_email(superuser_client):
    UserFactory(email="findme@example.com")

    response = superuser_client.get(reverse("admin:accounts_user_changelist"), {"q": "findme"})

    assert "findme@example.com" in response.text
    assert response.context["cl"].result_count == 1


def test_admin_organization_changelist_shows_member_count(superuser_client, organization, owner, recruiter):
    MembershipFactory(organization=organization, is_active=False)

    response = superuser_client.get(reverse("admin:accounts_organization_changelist"))

    assert response.context["cl"].result_list.get(pk=organization.pk) == organization
    assert '<td class="field-member_count">2</td>' in response.text


def test_admin_is_closed_to_members_without_staff_status(client_for, owner):
    response = client_for(owner).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
