import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Membership

from .factories import MembershipFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads land in a per-test directory, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Acme Corp")


@pytest.fixture
def owner(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.OWNER).user


@pytest.fixture
def recruiter(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user


@pytest.fixture
def other_organization(db):
    """A second organisation with its own owner, for isolation tests."""
    other = OrganizationFactory(name="Globex")
    MembershipFactory(organization=other, role=Membership.Role.OWNER)
    return other


@pytest.fixture
def client_for(db):
    """`client_for(user)` is a test client signed in as `user`."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _clear_cache():
    """The locmem cache outlives a test (rate-limit counters live there): every test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hiring_manager(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user


@pytest.fixture
def interviewer(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user
