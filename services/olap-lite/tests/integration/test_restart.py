"""The real process (`mauzo-olap-lite`): data and finished tasks survive a restart, and a task that
was RUNNING when the process was killed is FAILED afterwards with an errorMsg that says so."""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mauzo_common.testing.components import free_port, port_open, wait_until


def _script() -> str:
    found = shutil.which("mauzo-olap-lite") or str(Path(sys.executable).parent / "mauzo-olap-lite")
    assert Path(found).exists(), "the mauzo-olap-lite console script is not installed"
    return found


class Process:
    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "MAUZO_OLAP_LITE_PORT": str(self.port),
            "MAUZO_DATA_DIR": str(data_dir),
            "MAUZO_LOG_LEVEL": "WARNING",
        }
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [_script()],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _healthy(self.url), 30, "olap-lite process healthy")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        wait_until(lambda: not port_open(self.port), 10, "port released")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/status/health", timeout=1).json() is True
    except httpx.HTTPError:
        return False


@pytest.fixture
def stalled_url() -> Iterator[str]:
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"time,k\n")
            self.wfile.flush()
            release.wait(60)

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/stalled.csv"
    release.set()
    server.shutdown()


def _spec(ds: str, source: dict[str, Any], task_id: str) -> dict[str, Any]:
    return {
        "type": "index_parallel",
        "id": task_id,
        "spec": {
            "dataSchema": {
                "dataSource": ds,
                "timestampSpec": {"column": "time", "format": "auto"},
                "dimensionsSpec": {"dimensions": ["k"]},
                "granularitySpec": {"rollup": False},
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": source,
                "inputFormat": {"type": "csv", "findColumnsFromHeader": True},
            },
        },
    }


def test_restart_keeps_data_and_fails_interrupted_tasks(tmp_path: Path, stalled_url: str) -> None:
    data = tmp_path / "in.csv"
    data.write_text("time,k\n2024-01-01,a\n2024-01-02,b\n")
    process = Process(tmp_path / "state")
    process.start()
    try:
        with httpx.Client(base_url=process.url, timeout=10) as http:
            http.post(
                "/druid/indexer/v1/task",
                json=_spec("kept", {"type": "local", "files": [str(data)]}, "done"),
            )
            wait_until(
                lambda: (
                    http.get("/druid/indexer/v1/task/done/status").json()["status"]["statusCode"]
                    == "SUCCESS"
                ),
                30,
                "first task succeeded",
            )
            http.post(
                "/druid/indexer/v1/task",
                json=_spec("lost", {"type": "http", "uris": [stalled_url]}, "stuck"),
            )
            wait_until(
                lambda: (
                    http.get("/druid/indexer/v1/task/stuck/status").json()["status"][
                        "runnerStatusCode"
                    ]
                    == "RUNNING"
                ),
                30,
                "stuck task running",
            )
        process.kill()
        process.start()
        with httpx.Client(base_url=process.url, timeout=10) as http:
            stuck = http.get("/druid/indexer/v1/task/stuck/status").json()["status"]
            assert stuck["statusCode"] == "FAILED"
            assert "stopped while this task was running" in stuck["errorMsg"]
            assert (
                http.get("/druid/indexer/v1/task/done/status").json()["status"]["statusCode"]
                == "SUCCESS"
            )
            rows = http.post(
                "/druid/v2/sql", json={"query": "SELECT k FROM kept ORDER BY __time"}
            ).json()
            assert rows == [{"k": "a"}, {"k": "b"}]
            lost = http.post("/druid/v2/sql", json={"query": "SELECT * FROM lost"})
            assert lost.status_code == 400
    finally:
        process.stop()
