"""`GET /api/streams`: the stream stage's counters (each batch event applied once) and the
datasource's supervisor (olap-lite) in one row."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from mauzo_common.auth.principal import Role
from mauzo_common.druid.supervisors import kafka_supervisor_spec
from mauzo_common.events import Envelope, ErrorInfo, StreamBatchProcessed, stream_upload_id
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.events import publish_events
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def tracker(
    kafka_bootstrap: str, olap_lite: str, serve: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("tracker"),
        druid_overlord_url=olap_lite,
    )
    with serve(create_app(settings)) as served:
        yield served.url


def produce(bootstrap: str, topic: str, rows: list[dict[str, Any]]) -> None:
    async def run() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
        await producer.start()
        try:
            for r in rows:
                await producer.send_and_wait(topic, json.dumps(r).encode())
        finally:
            await producer.stop()

    asyncio.run(run())


def batch(ds: str, records: int, valid: int, rejected: int) -> Envelope[StreamBatchProcessed]:
    payload = StreamBatchProcessed(
        datasource=ds, records=records, valid=valid, rejected=rejected,
        duplicate=records - valid - rejected,
        last_error=ErrorInfo(code="amounts_not_numbers", message="amount: not a number")
        if rejected else None,
    )  # fmt: skip
    return Envelope.wrap(payload, task_id=stream_upload_id(ds), producer="validator")


def test_streams_sum_each_batch_once_and_show_the_supervisor(
    tracker: str, olap_lite: str, kafka_bootstrap: str, unique_name: str
) -> None:
    first, second = batch(unique_name, 100, 95, 5), batch(unique_name, 50, 40, 0)
    publish_events(kafka_bootstrap, first, second, first)  # the first one delivered twice

    def row() -> dict[str, Any] | None:
        answer = httpx.get(f"{tracker}/api/streams", params={"datasource": unique_name}, auth=ADMIN)
        rows: list[dict[str, Any]] = answer.json()
        return rows[0] if rows else None

    wait_until(lambda: (r := row()) is not None and r["records_in"] == 150, 60, "batches applied")
    pending = row()
    assert pending is not None
    assert (pending["valid"], pending["rejected"], pending["duplicate"]) == (135, 5, 10)
    assert pending["state"] == "PENDING"  # no supervisor yet
    assert pending["last_error"]["code"] == "amounts_not_numbers"
    assert pending["rate"] > 0

    spec = kafka_supervisor_spec(unique_name, bootstrap_servers=kafka_bootstrap)
    assert (
        httpx.post(
            f"{olap_lite}/druid/indexer/v1/supervisor", json=spec, auth=druid_basic()
        ).status_code
        == 200
    )
    clean = {"__time": 1740812400000, "branch": "Mombasa", "event_id": "e1",
             "upload_id": stream_upload_id(unique_name), "gross_revenue": 10.0}  # fmt: skip
    produce(
        kafka_bootstrap, f"mauzo.sales-clean.{unique_name}.v1", [clean, clean | {"event_id": "e2"}]
    )
    wait_until(lambda: (r := row()) is not None and r["loaded"] == 2, 60, "2 rows loaded")
    running = row()
    assert running is not None
    assert running["state"] == "RUNNING"
    assert running["lag"] == 0
    assert running["topic"] == f"mauzo.sales-clean.{unique_name}.v1"
