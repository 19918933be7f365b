"""The embedded stack run exactly as a user runs it (`mauzo up`), for e2e tests and benchmarks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from mauzo_common import tasks
from mauzo_common.auth import local_secrets
from mauzo_common.auth.principal import Role
from mauzo_common.auth.service import MintedBearer
from mauzo_common.auth.tokens import Tokens
from mauzo_common.settings import MauzoSettings
from mauzo_common.testing.auth import ByDestination, principal
from mauzo_common.testing.components import (
    free_port,
    harness_environment,
    port_open,
    wait_until,
)

PORT_SETTINGS = (
    "QUERY_API_PORT",
    "UPLOAD_PORT",
    "TASK_TRACKER_PORT",
    "VALIDATOR_PORT",
    "SPEC_BUILDER_PORT",
    "OLAP_LITE_PORT",
    "BROKER_PORT",
)
DRUID_USER = MauzoSettings.model_fields["druid_username"].default
TERMINAL = frozenset({*tasks.TERMINAL, "duplicate"})  # duplicate: upload's answer, final


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    data_dir: Path
    # One pooled client: a new httpx client per call builds a TLS context and a connection each
    # time, which cost the benchmarks' status polling more CPU than the service answering it.
    # Signed in once the stack is up (start_stack): only then are its secrets sure to exist.
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    @cached_property
    def tokens(self) -> Tokens:
        """Tokens this stack verifies: signed with the keys it was given, else with those
        `mauzo up` made in <data_dir>/secrets."""
        given = self.env.get("MAUZO_AUTH_KEYS")
        keys = json.loads(given) if given else local_secrets.read_auth_keys(self.data_dir)
        # A copy, not MauzoSettings(auth_keys=...): that merges this process's own keys in.
        own = {kid: SecretStr(secret) for kid, secret in (keys or {}).items()}
        return Tokens(MauzoSettings().model_copy(update={"auth_keys": own}))

    @cached_property
    def admin(self) -> MintedBearer:
        """An admin of this stack; re-mints, as e2e runs and benchmarks outlive one token."""
        return MintedBearer(self.tokens, principal(Role.ADMIN))

    @cached_property
    def auth(self) -> httpx.Auth:
        """The admin's token for every service, and olap-lite's Basic login for olap-lite."""
        password = self.env.get("MAUZO_DRUID_PASSWORD") or (
            local_secrets.druid_password_path(self.data_dir).read_text().strip()
        )
        user = self.env.get("MAUZO_DRUID_USERNAME", DRUID_USER)
        return ByDestination({self.port("OLAP_LITE")}, self.admin, httpx.BasicAuth(user, password))

    def bearer(
        self, role: Role = Role.ADMIN, branches: frozenset[str] | None = None
    ) -> dict[str, str]:
        """Headers of a request from a user with `role` (and, if given, only those branches)."""
        if role is Role.ADMIN and branches is None:
            return {"Authorization": f"Bearer {self.admin.token()}"}
        return {"Authorization": f"Bearer {self.tokens.issue(principal(role, branches))}"}

    def port(self, name: str) -> int:
        return int(self.env[f"MAUZO_{name}_PORT"])

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port(name)}"

    @property
    def ports(self) -> list[int]:
        return [self.port(name.removesuffix("_PORT")) for name in PORT_SETTINGS]

    def all_healthy(self) -> bool:
        checks = [
            self.url(n) + "/api/health"
            for n in ("QUERY_API", "UPLOAD", "TASK_TRACKER", "VALIDATOR", "SPEC_BUILDER")
        ]
        checks.append(self.url("OLAP_LITE") + "/status/health")
        try:
            return all(self.http.get(u, timeout=1).status_code == 200 for u in checks)
        except httpx.HTTPError:
            return False

    def upload(self, path: Path, datasource: str, **fields: str) -> dict[str, Any]:
        with path.open("rb") as handle:
            response = self.http.post(
                self.url("UPLOAD") + "/api/ingest/upload",
                data={"datasource": datasource, **fields},
                files={"file": (path.name, handle, "text/csv")},
                timeout=120,
            )
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_for_task(self, task_id: str, timeout: float = 120) -> dict[str, Any]:
        """The task's status once it ended; long-polls, so it hears of the end at once."""
        url = f"{self.url('TASK_TRACKER')}/api/ingest/status/{task_id}"
        deadline = time.monotonic() + timeout
        status: dict[str, Any] = {"state": ""}
        while (remaining := deadline - time.monotonic()) > 0:
            wait = {"changed_from": status["state"], "wait_seconds": min(remaining, 30)}
            response = self.http.get(url, params=wait if status["state"] else {}, timeout=40)
            assert response.status_code == 200, response.text
            status = response.json()
            if status["state"] in TERMINAL:
                return status
        raise TimeoutError(f"task {task_id} still {status.get('state')} after {timeout}s")

    def sql(self, query: str) -> list[dict[str, Any]]:
        """Rows of a Druid SQL query to the stack's olap-lite, as a dashboard client sends it."""
        response = self.http.post(
            self.url("OLAP_LITE") + "/druid/v2/sql", json={"query": query}, timeout=30
        )
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()
        return rows

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            self.url("QUERY_API") + "/graphql",
            json={"query": query, "variables": variables or {}},
            timeout=60,
        )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    def stop(self) -> int:
        self.http.close()
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)


def start_stack(
    data_dir: Path, extra_env: dict[str, str] | None = None, timeout: float = 240
) -> RunningStack:
    """`mauzo up` in `data_dir`, which makes its own secrets as on a first start: the helpers
    (http, auth, bearer) sign in with those. To have the tokens testing.auth mints verify
    too, give the test key: extra_env={"MAUZO_AUTH_KEYS": os.environ["MAUZO_AUTH_KEYS"]}."""
    env = {k: v for k, v in harness_environment().items() if not k.startswith("MAUZO_")}
    # A test or benchmark drives the stack as one identity, far above a person's pace: limits
    # off unless the harness or extra_env turns them on (tests/security tests them in process).
    env["MAUZO_LIMITS_ENABLED"] = os.environ.get("MAUZO_LIMITS_ENABLED", "false")
    env.update({f"MAUZO_{name}": str(free_port()) for name in PORT_SETTINGS})
    env["MAUZO_DATA_DIR"] = str(data_dir)
    env.update(extra_env or {})
    mauzo = Path(sys.executable).parent / "mauzo"
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / f"mauzo-up-{uuid.uuid4().hex[:6]}.log").open("wb")
    process = subprocess.Popen([str(mauzo), "up"], env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    stack = RunningStack(process, env, data_dir)
    try:
        wait_until(lambda: stack.all_healthy() or process.poll() is not None, timeout, "mauzo up")
    except TimeoutError:
        stack.stop()
        raise
    if process.poll() is not None:
        logs = "\n".join(p.read_text()[-3000:] for p in sorted(data_dir.rglob("*.log")))
        raise RuntimeError(f"mauzo up exited with {process.returncode}:\n{logs}")
    stack.http.auth = stack.auth
    return stack


def ports_released(stack: RunningStack) -> bool:
    return not any(port_open(port) for port in stack.ports)


def leftover_processes(stack: RunningStack) -> list[int]:
    """PIDs still running with this stack's data directory in their environment."""
    marker = f"MAUZO_DATA_DIR={stack.data_dir}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and int(proc.name) != os.getpid():
            found.append(int(proc.name))
    return found
