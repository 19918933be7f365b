"""Run the query-api in-process (lifespan included) and talk to it over ASGI."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from fastapi import FastAPI

from mauzo_common.testing.components import free_port, wait_until
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings

Serve = Callable[[QueryApiSettings], AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]]


@asynccontextmanager
async def _serve(settings: QueryApiSettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://query-api") as client:
            yield app, client


@pytest.fixture
def serve() -> Serve:
    return _serve


# --- olap-lite as a real subprocess ------------------------------------------------------------


def _olap_lite_command() -> str:
    command = shutil.which("mauzo-olap-lite")
    if command is None or importlib.util.find_spec("mauzo_olap_lite.__main__") is None:
        pytest.skip("mauzo-olap-lite is not available yet (console script or its __main__ missing)")
    return command


def _healthy(url: str) -> bool:
    try:
        response = httpx.get(f"{url}/status/health", timeout=1)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.json() is True


class OlapLite:
    """A running olap-lite: its URL and Overlord-API ingestion of Parquet files."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.data_dir = data_dir
        self._files = 0

    def load(self, datasource: str, frame: pl.DataFrame, timeout: float = 60) -> str:
        self._files += 1
        path = self.data_dir / f"input-{datasource}-{self._files}.parquet"
        frame.write_parquet(path)
        task_id = f"test_{datasource}_{self._files}_{time.monotonic_ns()}"
        # Every string column is a dimension and every float column a metric, as the
        # spec-builder derives them from the validator's column roles.
        dimensions = [c for c, t in frame.schema.items() if t == pl.String]
        metrics = [c for c, t in frame.schema.items() if t == pl.Float64]
        spec: dict[str, Any] = {
            "type": "index_parallel",
            "id": task_id,
            "spec": {
                "dataSchema": {
                    "dataSource": datasource,
                    "timestampSpec": {"column": "__time", "format": "auto"},
                    "dimensionsSpec": {
                        "dimensions": [{"type": "string", "name": d} for d in dimensions]
                    },
                    "metricsSpec": [
                        {"type": "doubleSum", "name": m, "fieldName": m} for m in metrics
                    ],
                    "granularitySpec": {
                        "type": "uniform",
                        "segmentGranularity": "day",
                        "queryGranularity": "none",
                        "rollup": False,
                        "intervals": ["2000-01-01/2100-01-01"],
                    },
                },
                "ioConfig": {
                    "type": "index_parallel",
                    "inputSource": {"type": "local", "files": [str(path)]},
                    "inputFormat": {"type": "parquet"},
                    "appendToExisting": True,
                },
                "tuningConfig": {
                    "type": "index_parallel",
                    "partitionsSpec": {"type": "dynamic"},
                    "maxParseExceptions": 0,
                },
            },
        }
        submitted = httpx.post(f"{self.url}/druid/indexer/v1/task", json=spec, timeout=30)
        assert submitted.status_code == 200, submitted.text
        task = submitted.json()["task"]
        state: dict[str, str] = {}

        def finished() -> bool:
            status = httpx.get(f"{self.url}/druid/indexer/v1/task/{task}/status", timeout=10)
            state["code"] = (
                status.json()["status"]["statusCode"] if status.status_code == 200 else ""
            )
            return state["code"] in ("SUCCESS", "FAILED")

        wait_until(finished, timeout, f"olap-lite task {task}", every=0.1)
        assert state["code"] == "SUCCESS", f"ingestion of {datasource} ended {state['code']}"
        return task


@pytest.fixture(scope="session")
def olap_lite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OlapLite]:
    command = _olap_lite_command()
    data_dir = tmp_path_factory.mktemp("olap-lite")
    port = free_port()
    env = {
        **os.environ,
        "MAUZO_OLAP_LITE_PORT": str(port),
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_HOST": "127.0.0.1",
    }
    log_path = data_dir / "olap-lite.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([command], env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    pytest.fail(f"olap-lite did not become healthy:\n{tail}")
                time.sleep(0.1)
            yield OlapLite(url, data_dir)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


# --- other Mauzo services as real subprocesses ------------------------------------------------


@contextmanager
def run_service(
    name: str, port: int, env: dict[str, str], log_path: Path, timeout: float = 60
) -> Iterator[str]:
    """Start `mauzo-<name>` and wait for GET /api/health; skip (with the log) if it cannot run."""
    module = f"mauzo_{name.replace('-', '_')}.__main__"
    command = shutil.which(f"mauzo-{name}")
    if command is None or importlib.util.find_spec(module) is None:
        pytest.skip(f"mauzo-{name} is not runnable yet (console script or {module} missing)")
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [command], env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    pytest.skip(f"mauzo-{name} did not become healthy (not runnable yet):\n{tail}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
