"""Refuse a database made by an earlier version of the ATS whose migrations were since rewritten.

`make migrate` (and so `make run`) runs this before `migrate`. It compares the migrations that the
database records as applied with the migration files on disk:

- a recorded migration of one of our apps that no longer exists on disk (nor is replaced by a
  squashed one), or
- a recorded migration whose dependencies are not recorded

means the database predates the current migrations, and `migrate` would fail half-way or, worse,
leave a schema that does not match the models. An empty or new database passes.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

OUR_APPS = ("accounts", "jobs", "pipeline", "mail", "notifications")

PROBLEM = "This database was created by an earlier version of the ATS whose migrations were rewritten."
RESET_HINT = "Run `make reset-db` to start afresh (this erases local data)."
MESSAGE = f"{PROBLEM} {RESET_HINT}"

# At most this many problems are listed under the message.
SHOWN = 10


def find_problems(connection):
    """The reasons, as sentences, why this database cannot be migrated with the migrations on disk."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []  # a new database: nothing was ever applied
    applied = recorder.applied_migrations()
    if not applied:
        return []
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    on_disk = set(loader.disk_migrations)
    # Squashed migrations stand for the ones they replace, which may be gone from disk.
    for migration in loader.disk_migrations.values():
        on_disk.update(tuple(key) for key in migration.replaces)

    problems = [
        f"{app}.{name} is recorded as applied but no such migration exists any more."
        for app, name in sorted(applied)
        if app in OUR_APPS and (app, name) not in on_disk
    ]
    # The same test as Django's MigrationLoader.check_consistent_history, listing every case.
    for key in sorted(applied):
        if key not in loader.graph.nodes:
            continue
        for parent in sorted(loader.graph.node_map[key].parents, key=lambda node: node.key):
            if parent.key in applied:
                continue
            replacement = loader.replacements.get(parent.key)
            if replacement is not None and all(tuple(m) in applied for m in replacement.replaces):
                continue
            problems.append(
                f"{key[0]}.{key[1]} is recorded as applied but its dependency {parent.key[0]}.{parent.key[1]} is not."
            )
    return problems


class Command(BaseCommand):
    help = (
        "Fail (exit status 1) when the database was made by an earlier version of the ATS whose "
        "migrations were rewritten. Run before `migrate`."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database to check (default: "default").',
        )
        parser.add_argument(
            "--hint",
            default=None,
            help="What to tell the user to do instead of running `make reset-db`.",
        )

    def handle(self, *args, database, hint, **options):
        problems = find_problems(connections[database])
        if problems:
            lines = [
                f"{PROBLEM} {hint or RESET_HINT}",
                "",
                f"What the database records ({connections[database].settings_dict['NAME']}):",
            ]
            lines += [f"  - {problem}" for problem in problems[:SHOWN]]
            if len(problems) > SHOWN:
                lines.append(f"  ... and {len(problems) - SHOWN} more.")
            raise CommandError("\n".join(lines))
        if options["verbosity"] >= 2:
            self.stdout.write("The database's migration history matches the migrations on disk.")
