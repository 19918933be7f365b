"""Real components for task-tracker tests: SQLite and PostgreSQL databases, an in-process server."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from mauzo_common.testing.components import free_port, port_open, wait_until
from mauzo_common.testing.plugin import PG_ADMIN_URL


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database per test module: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tasks.db'}"
        return
    if not port_open(5432):
        pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
    import psycopg

    name = f"mauzo_tt_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Served:
    """A FastAPI app served by uvicorn on a free loopback port, in its own thread and loop."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), 60, "server start")
        if not self.server.started:
            raise RuntimeError("the app failed to start (see the log above)")
        wait_until(self._healthy, 30, "GET /api/health == 200")
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="session")
def serve() -> type[Served]:
    """`with serve(app) as served:` runs the app on a free port until the block ends."""
    return Served


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mauzo")


def _healthy(url: str) -> bool:
    try:
        response = httpx.get(f"{url}/status/health", timeout=1)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.json() is True


@pytest.fixture(scope="module")
def olap_lite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    command = shutil.which("mauzo-olap-lite")
    if command is None:
        pytest.skip("olap-lite is not installed (no `mauzo-olap-lite` command)")
    port = free_port()
    data_dir = tmp_path_factory.mktemp("olap-lite")
    env = os.environ | {"MAUZO_OLAP_LITE_PORT": str(port), "MAUZO_DATA_DIR": str(data_dir)}
    log = (data_dir / "olap-lite.log").open("wb")
    proc = subprocess.Popen([command], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until(lambda: _healthy(url) or proc.poll() is not None, 30, "olap-lite health")
        except TimeoutError:
            pytest.skip("olap-lite did not answer GET /status/health within 30 s")
        if proc.poll() is not None:
            pytest.skip(f"olap-lite exited with {proc.returncode}; see {data_dir}/olap-lite.log")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
