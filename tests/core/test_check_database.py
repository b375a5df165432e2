"""`manage.py check_database`: a database made before the migrations were rewritten is refused."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from ats.management.commands.check_database import MESSAGE, OUR_APPS

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_migrated_test_database_passes():
    call_command("check_database")


@pytest.mark.django_db
def test_a_recorded_migration_that_no_longer_exists_fails():
    MigrationRecorder(connection).record_applied("pipeline", "0042_removed_in_the_rewrite")

    with pytest.raises(CommandError) as failure:
        call_command("check_database")

    assert MESSAGE in str(failure.value)
    assert "pipeline.0042_removed_in_the_rewrite" in str(failure.value)


@pytest.mark.django_db
def test_the_failure_goes_to_stderr_with_exit_status_1(capsys):
    MigrationRecorder(connection).record_applied("jobs", "0042_removed_in_the_rewrite")

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "check_database"]).execute()

    assert exit_.value.code == 1
    output = capsys.readouterr()
    assert MESSAGE in output.err
    assert "make reset-db" not in output.out


@pytest.mark.django_db
def test_a_recorded_migration_whose_dependency_is_not_recorded_fails():
    loader = MigrationLoader(connection)
    recorded = MigrationRecorder(connection).applied_migrations()
    # Any migration of ours with a parent will do: forget that the parent was applied.
    child, parent = next(
        (key, parent.key)
        for key, node in sorted(loader.graph.node_map.items())
        if key[0] in OUR_APPS and key in recorded
        for parent in node.parents
    )
    MigrationRecorder.Migration.objects.filter(app=parent[0], name=parent[1]).delete()

    with pytest.raises(CommandError) as failure:
        call_command("check_database")

    assert MESSAGE in str(failure.value)
    assert f"{child[0]}.{child[1]} is recorded as applied but its dependency {parent[0]}.{parent[1]}" in str(
        failure.value
    )


@pytest.mark.django_db
def test_a_migration_of_another_app_that_is_not_on_disk_is_left_to_migrate():
    """Only our apps' migrations were rewritten; a third-party app's history is not ours to judge."""
    MigrationRecorder(connection).record_applied("some_removed_app", "0001_initial")

    call_command("check_database")


def _manage(*args, database_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ats.settings", "DEBUG": "1", "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_on_a_new_and_on_an_old_database(tmp_path):
    """As `make migrate` runs it: a new database passes, one with a rewritten-away migration exits 1."""
    path = tmp_path / "dev.sqlite3"
    database_url = f"sqlite:///{path}"

    new = _manage("check_database", database_url=database_url)
    assert new.returncode == 0, new.stderr

    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS django_migrations"
            " (id integer PRIMARY KEY AUTOINCREMENT, app varchar(255), name varchar(255), applied datetime)"
        )
        db.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('accounts', '0042_removed_in_the_rewrite', '2026-01-01 00:00:00')"
        )
    db.close()

    old = _manage("check_database", database_url=database_url)
    assert old.returncode == 1
    assert MESSAGE in old.stderr
    assert "accounts.0042_removed_in_the_rewrite" in old.stderr
