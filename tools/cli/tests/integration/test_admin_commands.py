"""`mauzo user …` and `mauzo apikey …` as an operator runs them: the real `mauzo` command
against a running task-tracker process, authenticated with the stack's keys in the data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mauzo_common.auth.local_secrets import auth_keys
from mauzo_common.testing.components import free_port
from mauzo_common.testing.services import service_process

pytestmark = pytest.mark.kafka
MAUZO = str(Path(sys.executable).with_name("mauzo"))


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir as `mauzo up` leaves it: secrets/auth-keys.json made on the first start."""
    data_dir = tmp_path_factory.mktemp("stack")
    auth_keys(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def tracker(kafka_bootstrap: str, stack_dir: Path) -> Iterator[str]:
    env = {
        "MAUZO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAUZO_DATA_DIR": str(stack_dir),
        "MAUZO_AUTH_KEYS": json.dumps(auth_keys(stack_dir)),
        "MAUZO_ADMIN_PASSWORD": "first-admin-password",
        "MAUZO_DRUID_OVERLORD_URL": f"http://127.0.0.1:{free_port()}",
    }
    with service_process("task-tracker", env, stack_dir / "task-tracker.log") as url:
        yield url


def mauzo(
    data_dir: Path, tracker: str, *args: str, stdin: str = "", api_key: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAUZO_AUTH_KEYS", "MAUZO_API_KEY")}
    env.update({"MAUZO_DATA_DIR": str(data_dir), "MAUZO_TASK_TRACKER_URL": tracker,
                "COLUMNS": "200"})  # fmt: skip
    if api_key is not None:
        env["MAUZO_API_KEY"] = api_key
    return subprocess.run(
        [MAUZO, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


def signs_in(tracker: str, name: str, password: str) -> int:
    form = {"grant_type": "password", "username": name, "password": password}
    return httpx.post(f"{tracker}/api/auth/token", data=form, timeout=30).status_code


def test_user_add_list_remove(tracker: str, stack_dir: Path) -> None:
    name, password = f"amina{uuid.uuid4().hex[:6]}", f"pw-{uuid.uuid4().hex}"
    added = mauzo(stack_dir, tracker, "user", "add", name, "--role", "uploader",
                  "--branches", "Nairobi,Mombasa", stdin=password + "\n")  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    assert f"user {name} added: uploader, branches Mombasa, Nairobi" in added.stdout
    assert password not in added.stdout + added.stderr
    assert signs_in(tracker, name, password) == 200

    listed = mauzo(stack_dir, tracker, "user", "list")
    assert listed.returncode == 0, listed.stderr
    line = next(row for row in listed.stdout.splitlines() if name in row)
    assert "uploader" in line
    assert "Mombasa, Nairobi" in line
    assert "admin" in listed.stdout

    again = mauzo(stack_dir, tracker, "user", "add", name, "--role", "viewer",
                  stdin="another-password\n")  # fmt: skip
    assert again.returncode == 1
    assert "already a user" in again.stderr

    removed = mauzo(stack_dir, tracker, "user", "remove", name)
    assert removed.returncode == 0, removed.stderr
    assert signs_in(tracker, name, password) == 401
    assert name not in mauzo(stack_dir, tracker, "user", "list").stdout
    gone = mauzo(stack_dir, tracker, "user", "remove", name)
    assert gone.returncode == 1
    assert "no user" in gone.stderr


def test_a_short_password_or_unknown_role_is_refused(tracker: str, stack_dir: Path) -> None:
    short = mauzo(stack_dir, tracker, "user", "add", "shorty", "--role", "viewer", stdin="abc\n")
    assert short.returncode == 1
    assert "8 characters" in short.stderr
    role = mauzo(stack_dir, tracker, "user", "add", "rolly", "--role", "boss",
                 stdin="long-enough-pw\n")  # fmt: skip
    assert role.returncode == 1
    assert "unknown role" in role.stderr


def test_apikey_add_use_list_revoke(tracker: str, stack_dir: Path) -> None:
    added = mauzo(stack_dir, tracker, "apikey", "add", "nightly-sync", "--role", "admin")
    assert added.returncode == 0, added.stderr
    key = added.stdout.strip().splitlines()[-1]
    client_id = key.partition(".")[0]
    assert client_id.startswith("mk_")

    # An admin's key is enough to run the admin commands, without the stack's keys.
    elsewhere = stack_dir.parent / f"elsewhere-{uuid.uuid4().hex[:6]}"
    with_key = mauzo(elsewhere, tracker, "apikey", "list", api_key=key)
    assert with_key.returncode == 0, with_key.stderr
    assert client_id in with_key.stdout
    assert key.partition(".")[2] not in with_key.stdout

    revoked = mauzo(stack_dir, tracker, "apikey", "revoke", client_id)
    assert revoked.returncode == 0, revoked.stderr
    refused = mauzo(elsewhere, tracker, "apikey", "list", api_key=key)
    assert refused.returncode == 1
    assert "refused" in refused.stderr


def test_without_keys_or_stack_the_error_says_what_to_do(tracker: str, tmp_path: Path) -> None:
    no_keys = mauzo(tmp_path, tracker, "user", "list")
    assert no_keys.returncode == 1
    assert "mauzo up" in no_keys.stderr

    auth_keys(tmp_path)
    down = mauzo(tmp_path, f"http://127.0.0.1:{free_port()}", "user", "list")
    assert down.returncode == 2
    assert "is the stack up" in down.stderr
    # Keys of another stack are not this stack's: refused, not trusted.
    foreign = mauzo(tmp_path, tracker, "user", "list")
    assert foreign.returncode == 1
    assert "Refused" in foreign.stderr
