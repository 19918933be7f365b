"""Exactly once across a crash: the real `mauzo-olap-lite` process is killed with SIGKILL while a
supervisor is ingesting, restarted, and every produced record is in SQL exactly once; the
supervisors are still there, the suspended one still suspended."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from mauzo_common.testing.components import free_port, port_open, wait_until

pytestmark = pytest.mark.kafka

API = "/druid/indexer/v1/supervisor"
CHUNKS, PER_CHUNK = 20, 200


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
        script = shutil.which("mauzo-olap-lite") or str(
            Path(sys.executable).parent / "mauzo-olap-lite"
        )
        self.proc = subprocess.Popen(
            [script], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self._healthy, 30, "olap-lite process healthy")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/status/health", timeout=1).json() is True
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        wait_until(lambda: not port_open(self.port), 10, "port released")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


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
    tmp_path: Path, streams: Any, unique_name: str
) -> None:
    total = CHUNKS * PER_CHUNK
    topic = streams.topic(f"crash-{unique_name}", partitions=3)
    paused_topic = streams.topic(f"paused-{unique_name}")
    process = Process(tmp_path / "state")
    process.start()

    def producer() -> None:
        for c in range(CHUNKS):
            streams.produce(topic, [streams.sale(c * PER_CHUNK + i) for i in range(PER_CHUNK)])

    feeding = threading.Thread(target=producer)
    try:
        with httpx.Client(base_url=process.url, timeout=10) as http:
            spec = streams.supervisor(unique_name, topic)
            assert http.post(API, json=spec).json() == {"id": unique_name}
            paused = streams.supervisor("paused", paused_topic, suspended=True)
            assert http.post(API, json=paused).json() == {"id": "paused"}
            feeding.start()
            wait_until(lambda: _rows(http, unique_name)[0] > 0, 30, "first rows ingested")
        process.kill()  # mid-stream: the producer is still sending
        before = process
        process = Process(tmp_path / "state")
        process.start()
        before.stop()
        feeding.join(60)
        with httpx.Client(base_url=process.url, timeout=10) as http:
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
