"""Kafka helpers for the supervisor tests: create a topic, produce events with aiokafka, build a
sales supervisor spec. Exposed as the `streams` fixture (bound to the session's Tansu broker)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


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
