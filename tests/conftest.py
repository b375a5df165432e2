import logging

import pytest
from django.core.cache import cache, caches
from django.db import connections
from django.test import Client

from accounts.models import Membership
from accounts.permissions import can
from pipeline.tasks.models import Task

from .factories import ApplicationFactory, MembershipFactory, OrganizationFactory, UserFactory, make_job


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


@pytest.fixture
def api_for(db):
    """`api_for(user, organization=None)`: a DRF client sending a JWT access token, as after POST /api/login/."""
    from rest_framework.test import APIClient

    from accounts.api.authentication import tokens_for

    def make(user, organization=None):
        refresh, _ = tokens_for(user, organization)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
        return client

    return make


@pytest.fixture
def api_key_for(db):
    """`api_key_for(membership, role=None, read_only=False)`: a DRF client sending a new API key.

    The key is of the member's organisation, with their role unless told; an admin issues it (the
    member, if they may), and it acts as whoever issued it.
    """
    from rest_framework.test import APIClient

    from accounts.api_keys import issue_key

    def make(membership, role=None, read_only=False, keyword="Bearer"):
        issuer = membership
        if not can(issuer, "manage_members"):  # keys are issued by an admin; they act as their creator
            issuer = Membership.objects.filter(organization=membership.organization, role=Membership.Role.OWNER).first()
            issuer = issuer or MembershipFactory(organization=membership.organization, role=Membership.Role.OWNER)
        _, raw = issue_key(membership=issuer, name="test key", role=role or membership.role, read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
        return client

    return make


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Every test that can reach the database starts with an empty cache.

    The cache is the database cache, whose table no transactional test's flush empties. A test without
    the database has no cache to clear (and may not touch one).
    """
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            cache.clear()
    # The process's own copies (board cards, careers pages): a test's rows may repeat another's keys.
    caches["local"].clear()


@pytest.fixture
def hiring_manager(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user


@pytest.fixture
def interviewer(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user


@pytest.fixture
def superuser_client(client_for, db):
    """A test client signed in as a site superuser (Django admin), who belongs to no organisation."""
    return client_for(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def recruiter_client(client_for, recruiter):
    """A test client signed in as the organisation's recruiter.

    Not named `client`: that stays pytest-django's anonymous client, which the signed-out and public-page
    tests rely on.
    """
    return client_for(recruiter)


@pytest.fixture
def job(organization):
    """An open job of the organisation, made as the app makes one: standard form and the default stages."""
    return make_job(organization, title="Backend Engineer")


@pytest.fixture
def stages(job):
    """The job's stages, in their order."""
    return list(job.stages.all())


@pytest.fixture
def application(job, stages):
    """Ada's application to the job, in its first stage."""
    return ApplicationFactory(
        job=job, current_stage=stages[0], candidate__first_name="Ada", candidate__email="ada@example.com"
    )


@pytest.fixture
def make_task(organization):
    """`make_task(**fields)`: a task of the organisation, written directly (no notification)."""

    def make(**fields):
        fields.setdefault("title", "Call the references")
        return Task.objects.create(organization=fields.pop("organization", organization), **fields)

    return make


@pytest.fixture
def task(make_task, application, recruiter):
    """The recruiter's open task about Ada's application."""
    return make_task(application=application, assignee=recruiter, created_by=recruiter, description="Two of them.")


class _OnCommitErrors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        if "on_commit()" in record.getMessage():
            self.records.append(record)


@pytest.fixture(autouse=True)
def on_commit_errors():
    """Work queued with on_commit(robust=True) (accounts.background) only logs its errors, so a
    request never fails for them; in tests, such an error fails the test. A test that expects one
    asserts on the records and clears them."""
    handler = _OnCommitErrors()
    loggers = [logging.getLogger(name) for name in ("django.db.backends.base", "django.test")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.records
    for logger in loggers:
        logger.removeHandler(handler)
    assert not handler.records, "\n\n".join(handler.format(record) for record in handler.records)


@pytest.fixture
def threads_close_connections():
    """Connections opened by the app's own threads (an ASGI request's, a socket consumer's) close when
    their work ends, as under a pooled server, so none is left open on the test database when it is dropped."""
    settings_dict = connections["default"].settings_dict  # shared by every thread's connection
    saved, settings_dict["CONN_MAX_AGE"] = settings_dict["CONN_MAX_AGE"], 0
    yield
    settings_dict["CONN_MAX_AGE"] = saved
