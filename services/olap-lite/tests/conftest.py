"""Shared fixtures: an olap-lite server (uvicorn on a free loopback port, one per module) and a
small Druid client for tests that submits specs, waits for tasks and runs SQL."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import free_port, wait_until
from mauzo_olap_lite.app import create_app
from mauzo_olap_lite.settings import OlapLiteSettings


class Druid:
    """What a Druid user does over HTTP, with deadlines instead of sleeps."""

    def __init__(self, client: httpx.Client, data_dir: Path) -> None:
        self.http = client
        self.data_dir = data_dir

    def submit(self, spec: dict[str, Any]) -> str:
        response = self.http.post("/druid/indexer/v1/task", json=spec)
        assert response.status_code == 200, response.text
        task_id: str = response.json()["task"]
        return task_id

    def wait(self, task_id: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.http.get(f"/druid/indexer/v1/task/{task_id}/status").json()["status"]
            if status["statusCode"] != "RUNNING":
                result: dict[str, Any] = status
                return result
            time.sleep(0.02)
        raise TimeoutError(f"task {task_id} still running after {timeout}s")

    def run(self, spec: dict[str, Any]) -> dict[str, Any]:
        return self.wait(self.submit(spec))

    def report(self, task_id: str) -> dict[str, Any]:
        body: dict[str, Any] = self.http.get(f"/druid/indexer/v1/task/{task_id}/reports").json()
        return body["ingestionStatsAndErrors"]["payload"]

    def sql(self, query: str, *params: tuple[str, Any], **extra: Any) -> Any:
        body: dict[str, Any] = {"query": query, **extra}
        if params:
            body["parameters"] = [{"type": t, "value": v} for t, v in params]
        response = self.http.post("/druid/v2/sql", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def sql_error(self, query: str, **extra: Any) -> httpx.Response:
        response = self.http.post("/druid/v2/sql", json={"query": query, **extra})
        assert response.status_code >= 400, response.text
        return response


def spec(
    datasource: str,
    input_source: dict[str, Any],
    *,
    input_format: dict[str, Any] | None = None,
    timestamp: dict[str, Any] | None = None,
    dimensions: list[Any] | None = None,
    metrics: list[dict[str, Any]] | None = None,
    granularity: dict[str, Any] | None = None,
    append: bool = False,
    tuning: dict[str, Any] | None = None,
    task_id: str | None = None,
    **io: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": timestamp or {"column": "__time", "format": "auto"},
                "dimensionsSpec": {"dimensions": dimensions or []},
                "metricsSpec": metrics or [],
                "granularitySpec": granularity
                or {"segmentGranularity": "day", "queryGranularity": "none", "rollup": False},
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": input_source,
                "inputFormat": input_format or {"type": "parquet"},
                "appendToExisting": append,
                **io,
            },
            "tuningConfig": {
                "type": "index_parallel",
                "partitionsSpec": {"type": "dynamic"},
                **(tuning or {}),
            },
        },
    }
    if task_id:
        body["id"] = task_id
    return body


@pytest.fixture(scope="module")
def olap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("olap")
    port = free_port()
    settings = OlapLiteSettings(data_dir=data_dir, olap_lite_port=port, olap_lite_threads=2)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/status/health", timeout=1).json() is True
        except httpx.HTTPError:
            return False

    wait_until(healthy, 20, "olap-lite healthy")
    yield url, data_dir
    server.should_exit = True
    thread.join(20)


@pytest.fixture(scope="module")
def druid(olap_server: tuple[str, Path]) -> Iterator[Druid]:
    url, data_dir = olap_server
    with httpx.Client(auth=druid_basic(), base_url=url, timeout=30) as client:
        yield Druid(client, data_dir)


@pytest.fixture
def make_spec() -> Any:
    return spec


@pytest.fixture
def stalled_http() -> Iterator[tuple[str, threading.Event]]:
    """An HTTP server whose response stalls until released: a task reading it stays RUNNING."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"time,k\n")
            self.wfile.flush()
            release.wait(30)

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/data.csv", release
    release.set()
    server.shutdown()
