"""Background tasks of stage actions (django-q2): take ids, re-fetch, idempotent (see runner)."""

from . import runner


def run_actions(run_ids):
    runner.run_many(run_ids)


def sweep():
    return runner.sweep()
