"""With CI=true a missing PostgreSQL or Chromium fails the run and names what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.environment import Component, missing_report

ROOT = Path(__file__).resolve().parents[2]


def test_report_names_each_missing_component():
    report = missing_report(
        [Component("chromium", False, "apt-get install chromium"), Component("PostgreSQL", True, "start it")]
    )
    assert report == "missing required component: chromium — apt-get install chromium"
    assert missing_report([Component("PostgreSQL", True, "x")]) == ""


@pytest.mark.slow
def test_ci_run_without_postgres_fails_and_says_so(tmp_path):
    env = {**os.environ, "CI": "true", "TEST_POSTGRES_URL": "postgresql://postgres@127.0.0.1:9/postgres"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--db",
            "postgresql",
            "-p",
            "no:cacheprovider",
            # Its own browser artefacts folder: the run empties it first, and the suite's is in use.
            "--output",
            str(tmp_path / "artefacts"),
            "tests/harness/test_required_components.py::test_report_names_each_missing_component",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert "missing required component: PostgreSQL" in result.stdout + result.stderr
