"""`make bench`: the site's speed on a fresh database of its own, through gunicorn (see docs/performance.md)."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand

from ...bench import runner


class Command(BaseCommand):
    help = "Drop and re-create the bench database, fill it, serve it with gunicorn and print the figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick",
            action="store_true",
            default=os.environ.get("QUICK", "0") not in ("", "0"),
            help="A smaller dataset and shorter runs (QUICK=1).",
        )
        parser.add_argument("--json", dest="json_path", default=os.environ.get("BENCH_JSON", ""))

    def handle(self, *args, quick, json_path, **options):
        report = runner.Bench(runner.QUICK if quick else runner.FULL, say=self.stdout.write).run()
        self.stdout.write("\n" + runner.table(report))
        if json_path:
            Path(json_path).write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"\nJSON written to {json_path}")
