"""gunicorn's settings for the Procfile's web process (`gunicorn -c python:ats.gunicorn ...`): /metrics/ across workers.

Each worker counts its requests in files under PROMETHEUS_MULTIPROC_DIR, and a scrape adds them up
(ats/metrics.py). The folder must be set before a worker first imports prometheus-client (which
reads it then), must start empty (last run's files would add last run's counts), and a worker that
exits must be marked dead so its live gauges go (its counters stay, as counters should).
Without the variable, a folder of its own in the temporary directory is used, and removed on exit.
"""

import os
import shutil
import tempfile
from pathlib import Path

_given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_folder = Path(_given or tempfile.mkdtemp(prefix="ats-metrics-"))
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_folder)  # the workers are forked from here and inherit it


def on_starting(server):
    _folder.mkdir(parents=True, exist_ok=True)
    for counts in _folder.glob("*.db"):  # prometheus-client's files only: the folder may be shared
        counts.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if not _given:
        shutil.rmtree(_folder, ignore_errors=True)
