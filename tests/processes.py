"""Helpers for tests that run the site's real processes (gunicorn, qcluster) beside the test run."""

import contextlib
import os
import signal
import socket
import subprocess


def free_port():
    """A port nothing listens on right now (aiosmtpd's Controller does not accept port 0 in every version)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process_group(process):
    """SIGTERM to the main process, which stops its workers; SIGKILL to its group if it lingers.

    Only the main process gets SIGTERM: sent to the whole group, qcluster's workers die under
    the sentinel and it waits for them until killed. The process must have been started with
    `start_new_session=True` (its own group).
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
