"""The dashboard's own tests (Vitest: formats, URL filters, CSV, KPI cards) as one pytest test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def test_dashboard_vitest_suite_passes() -> None:
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("Node.js/npm is not installed: the dashboard's Vitest suite cannot run")
    if not (DASHBOARD / "node_modules").is_dir() or not (DASHBOARD / "src" / "gql").is_dir():
        pytest.skip("the dashboard is not installed: run `make install` (npm ci + build)")
    result = subprocess.run(
        [npx, "vitest", "run", "--reporter=dot"],
        cwd=DASHBOARD,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
