import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

HEALTHY = {
    "status": "ok",
    "checks": {"database": "ok", "cache": "ok", "static": "ok", "queue": "ok"},
    # Without REDIS_URL the cache (allauth's limits) is the database's, shared by every worker.
    "cache_backend": "database",
}
OPS_TOKEN = "ops-token-for-tests"


@pytest.fixture
def ops(client, settings):
    """A client that reads /status/ the way monitoring does: with the operators' token."""
    settings.OPS_TOKEN = OPS_TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {OPS_TOKEN}"
    return client


@pytest.mark.parametrize("url", ["/health/", "/api/health/", "/api/v1/health/"])
def test_health_answers_ok_json(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == HEALTHY
    assert "no-cache" in response["Cache-Control"]


def test_health_needs_no_sign_in_and_no_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    assert client.get("/status/").status_code == 301  # not a probe: it goes to HTTPS like every page


def test_health_refuses_post(client):
    assert client.post("/health/").status_code == 405


def test_status_includes_version_uptime_and_queue_depth(ops, settings):
    response = ops.get("/status/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == HEALTHY["checks"]
    assert body["version"] == settings.VERSION
    assert isinstance(body["uptime_seconds"], int)
    assert body["uptime_seconds"] >= 0
    assert body["queue_depth"] == 0
    assert body["database_engine"] == connection.vendor
    assert body["queue_broker"] == "orm"


def test_queue_depth_counts_waiting_tasks(ops):
    from django_q.brokers import get_broker

    broker = get_broker()
    broker.enqueue("task-1")
    broker.enqueue("task-2")

    assert ops.get("/status/").json()["queue_depth"] == 2


def _break_database():
    """Point the default connection at a database that cannot be reached; return what to restore."""
    connection.close()
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/x.sqlite3"
    else:
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = "1"
    return saved


def _restore_database(saved):
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)
    connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/health/", "/status/"])
def test_health_answers_503_when_the_database_is_down(ops, url):
    saved = _break_database()
    try:
        response = ops.get(url)
    finally:
        _restore_database(saved)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"].startswith("error")
    # The database cache and the ORM broker live in the same database, so they are down too.
    assert body["checks"]["cache"].startswith("error")
    assert body["checks"]["queue"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_database_works_again_after_the_outage_test(client):
    saved = _break_database()
    try:
        assert client.get("/health/").status_code == 503
    finally:
        _restore_database(saved)

    assert client.get("/health/").json() == HEALTHY


@pytest.mark.parametrize(
    ("cache", "backend", "check"),
    [
        ({"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ats_cache"}, "database", "ok"),
        # Nothing listens on port 1: the Redis cache is named, and its check fails rather than hangs.
        (
            {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
            "redis",
            "error: ConnectionError",
        ),
        ({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "local memory", "ok"),
    ],
    ids=["database", "redis", "local memory"],
)
def test_health_says_which_cache_is_in_use(client, settings, cache, backend, check):
    settings.CACHES = {"default": cache}

    response = client.get("/health/")

    assert response.status_code == 200  # a cache in trouble degrades the site, it does not stop it
    body = response.json()
    assert body["cache_backend"] == backend
    assert body["checks"]["cache"] == check
    assert body["status"] == ("ok" if check == "ok" else "degraded")


# Transactional: on PostgreSQL a failed query inside the test's transaction would also break the next one.
@pytest.mark.django_db(transaction=True)
def test_health_says_when_the_cache_table_was_never_created(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_table"}}

    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == "error: cache table missing (run createcachetable)"
    assert body["checks"]["database"] == "ok"


def test_status_is_hidden_from_everyone_but_operators(client, client_for, settings, recruiter):
    settings.OPS_TOKEN = OPS_TOKEN

    assert client.get("/status/").status_code == 404
    assert client.get("/status/", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client_for(recruiter).get("/status/").status_code == 404  # an organisation owner is not an operator
    assert client.get("/status/", headers={"Authorization": f"Bearer {OPS_TOKEN}"}).status_code == 200


def test_status_opens_for_staff(client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory(is_staff=True)).get("/status/")

    assert response.status_code == 200
    assert response.json()["version"]


def test_status_needs_a_token_set_to_accept_one(client, settings):
    settings.OPS_TOKEN = ""

    assert client.get("/status/", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's static storage, pointed at a STATIC_ROOT where collectstatic has not run."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Changing STORAGES resets the storage (Django's setting_changed signal), now and when the test ends.
    return staticfiles_storage


def test_health_is_degraded_when_the_static_manifest_is_missing(client, manifest_storage):
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["static"].startswith("error: static manifest missing")
    assert body["checks"]["database"] == "ok"


def test_health_is_ok_once_collectstatic_has_run(client, manifest_storage):
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    manifest_storage._setup()  # a new storage reads the manifest, as a restarted server would

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["checks"]["static"] == "ok"
