"""`make run` hands the port it serves to the links in emails (SITE_URL), unless SITE_URL is set."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="`make` is not installed (not on PATH)")


def dry_run(**env):
    """The commands `make -n run` would run, with `env` over this process's environment minus SITE_URL."""
    environment = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT", "MAKEFLAGS"}}
    environment.update(env)
    result = subprocess.run(  # noqa: S603 (a fixed command, no input)
        [MAKE, "-n", "run"], cwd=REPO, env=environment, capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.splitlines()


def the_line(lines, word):
    matching = [line for line in lines if word in line and "echo" not in line]
    assert len(matching) == 1, lines
    return matching[0]


def test_links_follow_the_port_make_run_serves():
    lines = dry_run(PORT="8001")

    assert "SITE_URL=http://127.0.0.1:8001 " in the_line(lines, "seed_demo")
    honcho = the_line(lines, "honcho")
    assert "SITE_URL=http://127.0.0.1:8001 " in honcho
    assert "--port 8001" in honcho


def test_a_site_url_in_the_environment_wins():
    lines = dry_run(PORT="8001", SITE_URL="https://jobs.example.com")

    assert "SITE_URL=https://jobs.example.com " in the_line(lines, "seed_demo")
    honcho = the_line(lines, "honcho")
    assert "SITE_URL=https://jobs.example.com " in honcho
    assert "http://127.0.0.1" not in honcho
    assert "--port 8001" in honcho
