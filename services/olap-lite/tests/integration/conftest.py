"""Kafka helpers for the supervisor tests: create a topic, produce events with aiokafka, build a
sales supervisor spec. Exposed as the `streams` fixture (bound to the session's Tansu broker)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import free_port, port_open, wait_until


def create_topic(bootstrap: str, topic: str, partitions: int = 1) -> None:
    async def run() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, partitions, 1)])
        finally:
            await admin.close()

    asyncio.run(run())


def produce(bootstrap: str, topic: str, values: list[bytes | dict[str, Any]]) -> None:
    """Send the values (dicts as JSON) round-robin over the partitions; wait for every ack."""

    async def run() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
        await producer.start()
        try:
            partitions = sorted(await producer.partitions_for(topic))
            sent = []
            for i, value in enumerate(values):
                raw = value if isinstance(value, bytes) else json.dumps(value).encode()
                part = partitions[i % len(partitions)]
                sent.append(await producer.send(topic, raw, partition=part))
            await asyncio.gather(*sent)
        finally:
            await producer.stop()

    asyncio.run(run())


def sale(seq: int, branch: str = "nairobi", revenue: float = 10.0) -> dict[str, Any]:
    return {
        "time": f"2024-03-{1 + seq % 28:02d}T{seq % 24:02d}:00:00Z",
        "seq": seq,
        "branch": branch,
        "product": f"p{seq % 7}",
        "gross_revenue": revenue,
        "units_sold": 1 + seq % 3,
    }


def sales_supervisor(
    datasource: str,
    topic: str,
    bootstrap: str,
    *,
    flat: bool = False,
    earliest: bool = True,
    suspended: bool = False,
) -> dict[str, Any]:
    schema = {
        "dataSource": datasource,
        "timestampSpec": {"column": "time", "format": "iso"},
        "dimensionsSpec": {"dimensions": ["branch", "product", {"name": "seq", "type": "long"}]},
        "metricsSpec": [
            {"type": "doubleSum", "name": "gross_revenue", "fieldName": "gross_revenue"},
            {"type": "longSum", "name": "units_sold", "fieldName": "units_sold"},
        ],
        "granularitySpec": {
            "segmentGranularity": "hour",
            "queryGranularity": "none",
            "rollup": False,
        },
    }
    io = {
        "type": "kafka",
        "topic": topic,
        "inputFormat": {"type": "json"},
        "consumerProperties": {"bootstrap.servers": bootstrap},
        "useEarliestOffset": earliest,
        "taskDuration": "PT1H",
    }
    tuning = {"type": "kafka", "maxRowsInMemory": 500}
    if flat:
        return {
            "type": "kafka",
            "dataSchema": schema,
            "ioConfig": io,
            "tuningConfig": tuning,
            "suspended": suspended,
        }
    return {
        "type": "kafka",
        "spec": {"dataSchema": schema, "ioConfig": io, "tuningConfig": tuning},
        "suspended": suspended,
    }


@dataclass(frozen=True)
class Streams:
    bootstrap: str

    def topic(self, name: str, partitions: int = 1) -> str:
        create_topic(self.bootstrap, name, partitions)
        return name

    def produce(self, topic: str, values: list[bytes | dict[str, Any]]) -> None:
        produce(self.bootstrap, topic, values)

    @staticmethod
    def sale(seq: int, branch: str = "nairobi", revenue: float = 10.0) -> dict[str, Any]:
        return sale(seq, branch, revenue)

    def supervisor(self, datasource: str, topic: str, **options: Any) -> dict[str, Any]:
        return sales_supervisor(datasource, topic, self.bootstrap, **options)


@pytest.fixture
def streams(kafka_bootstrap: str) -> Streams:
    return Streams(kafka_bootstrap)


class OlapLiteProcess:
    """The real `mauzo-olap-lite` process on a fixed port and data dir, so a test can SIGKILL it
    and start it again on the same state (what a crash and a restart look like)."""

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
        script = Path(sys.executable).with_name("mauzo-olap-lite")
        self.proc = subprocess.Popen(
            [str(script)], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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


@pytest.fixture
def olap_lite_process() -> type[OlapLiteProcess]:
    """`olap_lite_process(data_dir)` makes a restartable olap-lite process."""
    return OlapLiteProcess


@pytest.fixture(scope="module")
def olap_process_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `mauzo-olap-lite` process for a test module, as third-party clients meet it."""
    process = OlapLiteProcess(tmp_path_factory.mktemp("olap-process"))
    process.start()
    try:
        yield process.url
    finally:
        process.stop()


def _load_task(url: str, spec: dict[str, Any], timeout: float = 60) -> None:
    with httpx.Client(auth=druid_basic(), base_url=url, timeout=30) as client:
        response = client.post("/druid/indexer/v1/task", json=spec)
        assert response.status_code == 200, response.text
        task = response.json()["task"]
        state: dict[str, Any] = {}

        def done() -> bool:
            status = client.get(f"/druid/indexer/v1/task/{task}/status").json()["status"]
            state.update(status)
            return bool(status["statusCode"] != "RUNNING")

        wait_until(done, timeout, f"task {task} finished")
        assert state["statusCode"] == "SUCCESS", state


@pytest.fixture(scope="session")
def load_task() -> Any:
    """`load_task(url, spec)`: submit an ingestion spec and wait for its SUCCESS."""
    return _load_task


BRANCHES = ["Nairobi", "Mombasa", "Kisumu", "Eldoret"]


def _sales_frame() -> pl.DataFrame:
    rng = random.Random(7)
    start = datetime(2024, 1, 1)
    rows = []
    for i in range(4000):
        revenue = round(rng.uniform(1, 500), 2)
        rows.append(
            {
                "__time": start + timedelta(minutes=rng.randrange(0, 60 * 24 * 120)),
                "branch": rng.choice(BRANCHES),
                "product": f"p{rng.randrange(40):02d}",
                "customer": None if i % 11 == 0 else f"c{rng.randrange(300)}",
                "units": rng.randrange(1, 9),
                "revenue": revenue,
                "cost": None if i % 7 == 0 else round(revenue * 0.6, 2),
            }
        )
    return pl.DataFrame(rows, schema_overrides={"__time": pl.Datetime("ms")})


@pytest.fixture(scope="module")
def sales_url(olap_process_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """olap-lite with 4 000 sales lines of January-April 2024 in `native_sales`."""
    path = tmp_path_factory.mktemp("native") / "sales.parquet"
    _sales_frame().write_parquet(path)
    _load_task(
        olap_process_url,
        {
            "type": "index_parallel",
            "spec": {
                "dataSchema": {
                    "dataSource": "native_sales",
                    "timestampSpec": {"column": "__time", "format": "auto"},
                    "dimensionsSpec": {
                        "dimensions": [
                            "branch",
                            "product",
                            "customer",
                            {"name": "units", "type": "long"},
                        ]
                    },
                    "metricsSpec": [
                        {"type": "doubleSum", "name": "revenue", "fieldName": "revenue"},
                        {"type": "doubleSum", "name": "cost", "fieldName": "cost"},
                    ],
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
    )
    return olap_process_url
