"""The real process (`mauzo-olap-lite`): data and finished tasks survive a restart, and a task that
was RUNNING when the process was killed is FAILED afterwards with an errorMsg that says so."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import wait_until


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


def test_restart_keeps_data_and_fails_interrupted_tasks(
    tmp_path: Path, stalled_http: tuple[str, threading.Event], olap_lite_process: Any
) -> None:
    data = tmp_path / "in.csv"
    data.write_text("time,k\n2024-01-01,a\n2024-01-02,b\n")
    process = olap_lite_process(tmp_path / "state")
    process.start()
    try:
        with httpx.Client(auth=druid_basic(), base_url=process.url, timeout=10) as http:
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
                json=_spec("lost", {"type": "http", "uris": [stalled_http[0]]}, "stuck"),
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
        with httpx.Client(auth=druid_basic(), base_url=process.url, timeout=10) as http:
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
