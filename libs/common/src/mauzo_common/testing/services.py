"""Mauzo's own services for tests: as separate processes (console scripts) or in-thread servers."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from mauzo_common.testing.auth import auth, druid_basic, install_test_keys
from mauzo_common.testing.components import free_port, harness_environment, wait_until


class ServiceFailedToStart(RuntimeError):
    pass


def _answers(url: str) -> bool:
    # Health is public, but credentials cost nothing and keep a stricter gate answering.
    credentials = druid_basic() if url.endswith("/status/health") else auth()
    try:
        return httpx.get(url, timeout=1, auth=credentials).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def service_process(
    name: str,
    env: Mapping[str, str],
    log_path: Path,
    *,
    port: int | None = None,
    health_path: str = "/api/health",
    timeout: float = 90,
) -> Iterator[str]:
    """Run `mauzo-<name>` on a free port until it is healthy; yields its URL, stops it after."""
    install_test_keys()  # a benchmark is no pytest run: no plugin put them there
    port = port or free_port()
    script = Path(sys.executable).with_name(f"mauzo-{name}")
    port_setting = f"MAUZO_{name.upper().replace('-', '_')}_PORT"
    full_env = {**harness_environment(), "MAUZO_HOST": "127.0.0.1", **env, port_setting: str(port)}
    url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own console script
            [str(script)], env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        with suppress(TimeoutError):
            wait_until(
                lambda: proc.poll() is not None or _answers(url + health_path),
                timeout,
                f"mauzo-{name} healthy on {url}",
                every=0.1,
            )
        if proc.poll() is not None or not _answers(url + health_path):
            tail = log_path.read_text(errors="replace")[-3000:]
            raise ServiceFailedToStart(f"mauzo-{name} did not become healthy:\n{tail}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextmanager
def olap_lite_process(data_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """olap-lite, the embedded Druid, with its DuckDB file in `data_dir`; yields its URL."""
    with service_process(
        "olap-lite",
        {"MAUZO_DATA_DIR": str(data_dir), **(env or {})},
        data_dir / "olap-lite.log",
        health_path="/status/health",
    ) as url:
        yield url


class Served:
    """An ASGI app served by uvicorn on a free loopback port, in its own thread and loop.

    `with Served(app) as served:` waits for GET /api/health == 200 and stops the server after."""

    def __init__(self, app: Any, health_path: str = "/api/health") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.health_path = health_path
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), 60, "server start")
        if not self.server.started:
            raise ServiceFailedToStart("the app failed to start (see the log above)")
        wait_until(lambda: _answers(self.url + self.health_path), 30, "the app healthy")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
