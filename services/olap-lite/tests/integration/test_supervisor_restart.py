"""Exactly once across a crash: the real `mauzo-olap-lite` process is killed with SIGKILL while a
supervisor is ingesting, restarted, and every produced record is in SQL exactly once; the
supervisors are still there, the suspended one still suspended."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import wait_until

pytestmark = pytest.mark.kafka

API = "/druid/indexer/v1/supervisor"
CHUNKS, PER_CHUNK = 20, 200


def _rows(http: httpx.Client, ds: str) -> tuple[int, int]:
    response = http.post(
        "/druid/v2/sql",
        json={"query": f'SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d FROM "{ds}"'},
    )
    if response.status_code != 200:
        return 0, 0
    row = response.json()[0]
    return int(row["n"]), int(row["d"])


def test_each_record_lands_once_across_a_kill(
    tmp_path: Path, streams: Any, unique_name: str, olap_lite_process: Any
) -> None:
    total = CHUNKS * PER_CHUNK
    topic = streams.topic(f"crash-{unique_name}", partitions=3)
    paused_topic = streams.topic(f"paused-{unique_name}")
    process = olap_lite_process(tmp_path / "state")
    process.start()

    def producer() -> None:
        for c in range(CHUNKS):
            streams.produce(topic, [streams.sale(c * PER_CHUNK + i) for i in range(PER_CHUNK)])

    feeding = threading.Thread(target=producer)
    try:
        with httpx.Client(auth=druid_basic(), base_url=process.url, timeout=10) as http:
            spec = streams.supervisor(unique_name, topic)
            assert http.post(API, json=spec).json() == {"id": unique_name}
            paused = streams.supervisor("paused", paused_topic, suspended=True)
            assert http.post(API, json=paused).json() == {"id": "paused"}
            feeding.start()
            wait_until(lambda: _rows(http, unique_name)[0] > 0, 30, "first rows ingested")
        process.kill()  # mid-stream: the producer is still sending
        before = process
        process = olap_lite_process(tmp_path / "state")
        process.start()
        before.stop()
        feeding.join(60)
        with httpx.Client(auth=druid_basic(), base_url=process.url, timeout=10) as http:
            assert sorted(http.get(API).json()) == sorted(["paused", unique_name])
            wait_until(lambda: _rows(http, unique_name)[0] >= total, 60, "every record")
            assert _rows(http, unique_name) == (total, total)  # none lost, none twice
            status = http.get(f"{API}/{unique_name}/status").json()["payload"]
            assert status["state"] == "RUNNING"
            assert status["aggregateLag"] == 0
            paused_status = http.get(f"{API}/paused/status").json()["payload"]
            assert (paused_status["state"], paused_status["suspended"]) == ("SUSPENDED", True)
    finally:
        feeding.join(60)
        process.stop()
