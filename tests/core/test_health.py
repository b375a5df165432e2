import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

HEALTHY = {"status": "ok", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}}


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
    assert client.get("/status/").status_code == 301


def test_health_refuses_post(client):
    assert client.post("/health/").status_code == 405


def test_status_includes_version_uptime_and_queue_depth(client, settings):
    response = client.get("/status/")

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


def test_queue_depth_counts_waiting_tasks(client):
    from django_q.brokers import get_broker

    broker = get_broker()
    broker.enqueue("task-1")
    broker.enqueue("task-2")

    assert client.get("/status/").json()["queue_depth"] == 2


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
def test_health_answers_503_when_the_database_is_down(client, url):
    saved = _break_database()
    try:
        response = client.get(url)
    finally:
        _restore_database(saved)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"].startswith("error")
    assert body["checks"]["cache"] == "ok"
    # The ORM broker lives in the same database, so it is down too.
    assert body["checks"]["queue"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_database_works_again_after_the_outage_test(client):
    saved = _break_database()
    try:
        assert client.get("/health/").status_code == 503
    finally:
        _restore_database(saved)

    assert client.get("/health/").json() == HEALTHY
