"""A native query's timeout (context.timeout) and its cancellation (DELETE /druid/v2/{queryId})
on a real olap-lite process, with a query slow enough to be caught running: a groupBy over
millions of distinct values."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import wait_until

DS = "many_keys"
ROWS = 3_000_000
SLOW: dict[str, Any] = {
    "queryType": "groupBy",
    "dataSource": DS,
    "granularity": "hour",
    "intervals": ["2024-01-01/2025-01-01"],
    "virtualColumns": [
        {
            "type": "expression",
            "name": "kk",
            "expression": "concat(k, '-', k, '-', k)",
            "outputType": "STRING",
        }
    ],
    "dimensions": ["kk"],
    "aggregations": [{"type": "longSum", "name": "v", "fieldName": "v"}],
    "limitSpec": {
        "type": "default",
        "columns": [{"dimension": "v", "direction": "descending"}],
        "limit": 5,
    },
}


@pytest.fixture(scope="module")
def http(
    olap_process_url: str, load_task: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    path: Path = tmp_path_factory.mktemp("many") / "keys.parquet"
    duckdb.sql(
        "SELECT TIMESTAMP '2024-01-01' + to_seconds(i * 7) AS __time, 'key' || i AS k, i % 97 AS v "
        f"FROM range({ROWS}) AS t(i)"
    ).write_parquet(str(path))
    load_task(
        olap_process_url,
        {
            "type": "index_parallel",
            "spec": {
                "dataSchema": {
                    "dataSource": DS,
                    "timestampSpec": {"column": "__time", "format": "auto"},
                    "dimensionsSpec": {"dimensions": ["k", {"name": "v", "type": "long"}]},
                    "granularitySpec": {
                        "segmentGranularity": "month",
                        "queryGranularity": "none",
                        "rollup": False,
                    },
                },
                "ioConfig": {
                    "type": "index_parallel",
                    "inputSource": {"type": "local", "files": [str(path)]},
                    "inputFormat": {"type": "parquet"},
                },
            },
        },
        timeout=120,
    )
    with httpx.Client(auth=druid_basic(), base_url=olap_process_url, timeout=120) as client:
        yield client


def test_timeout_answers_504_query_timeout(http: httpx.Client) -> None:
    started = time.monotonic()
    response = http.post("/druid/v2", json={**SLOW, "context": {"timeout": 50}})
    assert response.status_code == 504, response.text
    assert response.json() == {
        "error": "Query timeout",
        "errorMessage": response.json()["errorMessage"],
        "errorClass": "org.apache.druid.query.QueryTimeoutException",
        "host": None,
    }
    assert time.monotonic() - started < 5


def test_cancel_a_running_query(http: httpx.Client) -> None:
    result: dict[str, httpx.Response] = {}

    def run() -> None:
        with httpx.Client(auth=druid_basic(), base_url=str(http.base_url), timeout=120) as client:
            result["r"] = client.post(
                "/druid/v2", json={**SLOW, "context": {"queryId": "native-cancel"}}
            )

    thread = threading.Thread(target=run)
    thread.start()

    def cancelled() -> bool:
        assert http.delete("/druid/v2/native-cancel").status_code == 202
        return "r" in result

    wait_until(cancelled, 60, "the query answered after its cancellation", every=0.05)
    thread.join(10)
    assert result["r"].status_code == 500, result["r"].text
    body = result["r"].json()
    assert (body["error"], body["errorClass"]) == (
        "Query cancelled",
        "org.apache.druid.query.QueryInterruptedException",
    )
    assert result["r"].headers["X-Druid-Query-Id"] == "native-cancel"
