"""The first `mauzo up` of a data directory: it makes the stack's secrets, prints the first admin
password once, and the operator can manage users from the CLI straight away."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]
PRINTED = re.compile(r"with the password\s+(\S+)")


def launcher_output(stack: RunningStack) -> str:
    return "".join(p.read_text(errors="replace") for p in stack.data_dir.glob("mauzo-up-*.log"))


def test_first_start_makes_secrets_and_shows_the_admin_password_once(
    stack: RunningStack,
) -> None:
    secrets = stack.data_dir / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    keys = json.loads((secrets / "auth-keys.json").read_text())
    assert [len(secret) for secret in keys.values()] == [64]
    for name in ("auth-keys.json", "druid-password"):
        assert stat.S_IMODE((secrets / name).stat().st_mode) == 0o600

    wait_until(lambda: PRINTED.search(launcher_output(stack)) is not None, 30, "password shown")
    match = PRINTED.search(launcher_output(stack))
    assert match is not None
    password = match.group(1)
    assert not (secrets / "admin-password").exists()  # shown once, then gone
    answer = httpx.post(
        stack.url("TASK_TRACKER") + "/api/auth/token",
        data={"grant_type": "password", "username": "admin", "password": password},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text

    listed = subprocess.run(
        [str(Path(sys.executable).parent / "mauzo"), "user", "list"],
        env=stack.env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "admin" in listed.stdout

    # `mauzo status` reads the task list as the operator too.
    status = subprocess.run(
        [str(Path(sys.executable).parent / "mauzo"), "status"],
        env={**stack.env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert "task state" in status.stdout, status.stdout + status.stderr
