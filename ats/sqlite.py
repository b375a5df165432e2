"""SQLite's real limit on a statement's parameters, for Django's bulk inserts and updates.

Django assumes SQLite's old compile-time default of 999 variables per statement and splits a
bulk insert of many rows into batches of 999 // columns: a bulk move of 200 cards (their history
entries and stage actions' runs) would cost more statements than one of 20. SQLite has allowed
32,766 since 3.32 (2020), and Python 3.11 can ask the connection for its own limit, so each new
connection tells Django the truth.

It also says whether SQLite has its JSON functions. Django finds out the first time a connection meets a
JSON expression (the board's JSON_OBJECT) with a query in a transaction: under the ASGI server every
request has a new connection, so that was a BEGIN IMMEDIATE (SQLite's write lock) and a query on each
board. Asked here on the raw connection, it costs neither.
"""

import sqlite3


def use_real_parameter_limit(sender, connection, **kwargs):
    """connection_created receiver (ats.apps), SQLite connections only: their real parameter limit, and
    whether they have JSON."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = max(limit, 999)
        try:
            raw.execute("SELECT JSON('{}')").close()
        except sqlite3.OperationalError:  # a build without JSON1: Django's own check would say the same
            connection.features.supports_json_field = False
        else:
            connection.features.supports_json_field = True
