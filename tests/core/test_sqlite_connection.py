"""What ats.sqlite tells Django about each new SQLite connection, without a query of Django's."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL's features are fixed"),
]


def test_a_new_connection_knows_it_has_json_so_a_json_query_opens_no_transaction():
    fresh = connections.create_connection("default")
    try:
        fresh.ensure_connection()
        # Set on the connection itself: Django's cached check (BEGIN IMMEDIATE, then a query) never runs.
        assert fresh.features.__dict__["supports_json_field"] is True
        with CaptureQueriesContext(fresh) as queries, fresh.cursor() as cursor:
            cursor.execute("SELECT JSON_GROUP_ARRAY(1)")
        assert [query["sql"] for query in queries] == ["SELECT JSON_GROUP_ARRAY(1)"]
        assert fresh.features.max_query_params >= 999
    finally:
        fresh.close()
