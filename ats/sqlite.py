"""SQLite's real limit on a statement's parameters, for Django's bulk inserts and updates.

Django assumes SQLite's old compile-time default of 999 variables per statement and splits a
bulk insert of many rows into batches of 999 // columns: a bulk move of 200 cards (their history
entries and stage actions' runs) would cost more statements than one of 20. SQLite has allowed
32,766 since 3.32 (2020), and Python 3.11 can ask the connection for its own limit, so each new
connection tells Django the truth.
"""

import sqlite3


def use_real_parameter_limit(sender, connection, **kwargs):
    """connection_created receiver (ats.apps): SQLite connections only."""
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = max(limit, 999)
