"""spec-builder on the real Tansu broker, submitting to a real Overlord-compatible olap-lite.

A validated Parquet file in the object store becomes a Druid task that loads every row, and the
same event delivered again (at-least-once delivery) names the same task and loads nothing twice.
The directory store gives a `local` inputSource, moto's S3 an `s3` one.
"""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer
from faststream.kafka import KafkaBroker

from mauzo_common.auth.principal import Role
from mauzo_common.druid.client import DruidClient
from mauzo_common.events import ColumnInfo, Envelope, FileValidated, IngestionSubmitted
from mauzo_common.messaging import make_broker, publish
from mauzo_common.object_store import ObjectStore, open_object_store
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_spec_builder.app import create_app
from mauzo_spec_builder.handlers import Handlers
from mauzo_spec_builder.settings import SpecBuilderSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
DRUID = druid_basic()  # olap-lite's Basic login, as the services present it
pytestmark = [pytest.mark.kafka, pytest.mark.s3, pytest.mark.asyncio(loop_scope="module")]

EVENT_WAIT_SECONDS = 45.0  # includes the consumer-group join on Tansu
TASK_WAIT_SECONDS = 30.0
BRANCHES = ["Nairobi CBD", "Mombasa", "Kisumu", "Nakuru", "Eldoret"]
COLUMNS = [
    ColumnInfo(name="__time", type="timestamp", role="time"),
    ColumnInfo(name="branch", type="string", role="dimension"),
    ColumnInfo(name="product", type="string", role="dimension"),
    ColumnInfo(name="upload_id", type="string", role="dimension"),
    ColumnInfo(name="gross_revenue", type="double", role="metric"),
    ColumnInfo(name="units_sold", type="double", role="metric"),
]


@dataclass(frozen=True)
class Stack:
    """The running spec-builder with what a test needs to feed it and to look at the result."""

    settings: SpecBuilderSettings
    store: ObjectStore
    producer: KafkaBroker
    olap: str

    def validated_file(
        self, datasource: str, rows: int
    ) -> tuple[Envelope[FileValidated], pl.DataFrame]:
        task_id = uuid.uuid4().hex
        start = datetime(2024, 3, 1, 6, tzinfo=UTC)
        frame = pl.DataFrame(
            {
                "__time": [start + timedelta(minutes=97 * i) for i in range(rows)],
                "branch": [BRANCHES[i % len(BRANCHES)] for i in range(rows)],
                "product": [f"SKU-{i % 7:03d}" for i in range(rows)],
                "upload_id": [task_id] * rows,
                "gross_revenue": [round(150.0 + 12.5 * i, 2) for i in range(rows)],
                "units_sold": [float(1 + i % 4) for i in range(rows)],
            }
        ).with_columns(pl.col("__time").cast(pl.Datetime("ms", "UTC")))
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        key = f"processed/{datasource}/{task_id}/part-0.parquet"
        self.store.put_bytes(key, buffer.getvalue())
        last = frame["__time"].max()
        assert isinstance(last, datetime)
        event = FileValidated(
            datasource=datasource,
            processed_keys=[key],
            row_count=rows,
            columns=COLUMNS,
            interval_start=start,
            interval_end=last + timedelta(milliseconds=1),
        )
        return Envelope.wrap(event, task_id=task_id, producer="validator"), frame

    async def submitted(self, task_id: str, count: int) -> list[IngestionSubmitted]:
        """The IngestionSubmitted events for one task, once `count` of them have arrived."""
        reader = AIOKafkaConsumer(
            IngestionSubmitted.topic(),
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=None,  # no group: no join round-trip, reads every partition
            auto_offset_reset="earliest",
        )
        await reader.start()
        found: list[IngestionSubmitted] = []
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + EVENT_WAIT_SECONDS
            while len(found) < count and loop.time() < deadline:
                batch = await reader.getmany(timeout_ms=300)
                for records in batch.values():
                    for record in records:
                        assert record.value is not None
                        body = json.loads(record.value)
                        if body["task_id"] == task_id:
                            found.append(Envelope[IngestionSubmitted].model_validate(body).payload)
        finally:
            await reader.stop()
        assert len(found) >= count, f"{len(found)} IngestionSubmitted for {task_id}, wanted {count}"
        return found

    async def task_status(self, druid_task_id: str) -> dict[str, Any]:
        """The task's status once it is terminal (SUCCESS or FAILED)."""
        async with httpx.AsyncClient(base_url=self.olap, timeout=5, auth=DRUID) as http:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + TASK_WAIT_SECONDS
            while True:
                response = await http.get(f"/druid/indexer/v1/task/{druid_task_id}/status")
                assert response.status_code == 200, response.text
                status: dict[str, Any] = response.json()["status"]
                if status["statusCode"] in ("SUCCESS", "FAILED") or loop.time() > deadline:
                    return status
                await asyncio.sleep(0.1)

    async def totals(self, datasource: str) -> dict[str, Any]:
        query = f'SELECT COUNT(*) AS "rows", SUM("gross_revenue") AS "revenue" FROM "{datasource}"'
        async with httpx.AsyncClient(base_url=self.olap, timeout=30, auth=DRUID) as http:
            response = await http.post("/druid/v2/sql", json={"query": query})
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()
        return rows[0]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(
    kafka_bootstrap: str,
    s3_endpoint: str,
    olap_lite: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    """One spec-builder app (group mauzo-spec-builder) on the directory store, for the module."""
    settings = SpecBuilderSettings(
        kafka_bootstrap=kafka_bootstrap,
        kafka_retry_backoff_seconds=0.05,
        data_dir=Path(tmp_path_factory.mktemp("spec-builder")),
        object_store="local",
        s3_endpoint_url=s3_endpoint,
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
        druid_overlord_url=olap_lite,
    )
    app = create_app(settings)
    producer = make_broker(settings)
    async with app.router.lifespan_context(app), producer:
        await producer.start()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://spec-builder", auth=ADMIN
        ) as http:
            assert (await http.get("/api/health")).json() == {"status": "ok"}
        yield Stack(settings, open_object_store(settings), producer, olap_lite)


async def test_validated_file_is_loaded_by_the_overlord(stack: Stack, unique_name: str) -> None:
    envelope, frame = stack.validated_file(unique_name, rows=40)

    await publish(stack.producer, envelope)

    [submitted] = await stack.submitted(envelope.task_id, count=1)
    assert submitted.druid_task_id == f"mauzo_{unique_name}_{envelope.task_id}"
    assert submitted.datasource == unique_name
    assert submitted.expected_rows == 40
    status = await stack.task_status(submitted.druid_task_id)
    assert status["statusCode"] == "SUCCESS", status
    totals = await stack.totals(unique_name)
    assert totals["rows"] == frame.height
    assert totals["revenue"] == pytest.approx(frame["gross_revenue"].sum())


async def test_redelivered_event_does_not_load_the_file_twice(
    stack: Stack, unique_name: str
) -> None:
    envelope, frame = stack.validated_file(unique_name, rows=25)
    await publish(stack.producer, envelope)
    [first] = await stack.submitted(envelope.task_id, count=1)
    assert (await stack.task_status(first.druid_task_id))["statusCode"] == "SUCCESS"

    await publish(stack.producer, envelope)  # the same event again, as after a consumer crash

    events = await stack.submitted(envelope.task_id, count=2)
    assert {e.druid_task_id for e in events} == {first.druid_task_id}
    assert (await stack.task_status(first.druid_task_id))["statusCode"] == "SUCCESS"
    assert (await stack.totals(unique_name))["rows"] == frame.height


async def test_s3_objects_are_loaded_once_through_the_s3_input_source(
    stack: Stack, unique_name: str
) -> None:
    # The handler itself, on the S3 store: a second app in the same consumer group would only
    # wait for a rebalance, and the Kafka path is covered above.
    s3_settings = stack.settings.model_copy(update={"object_store": "s3"})
    on_s3 = replace(stack, store=open_object_store(s3_settings))
    assert on_s3.store.kind == "s3"
    envelope, frame = on_s3.validated_file(unique_name, rows=30)

    async with httpx.AsyncClient(timeout=30) as http:
        overlord = DruidClient.from_settings(http, stack.settings, timeout=30)
        handlers = Handlers(broker=stack.producer, store=on_s3.store, overlord=overlord)
        await handlers.on_file_validated(envelope)
        await handlers.on_file_validated(envelope)  # re-delivered while the task may still run

    events = await on_s3.submitted(envelope.task_id, count=2)
    assert {e.druid_task_id for e in events} == {f"mauzo_{unique_name}_{envelope.task_id}"}
    status = await on_s3.task_status(events[0].druid_task_id)
    assert status["statusCode"] == "SUCCESS", status
    totals = await on_s3.totals(unique_name)
    assert totals["rows"] == frame.height
    assert totals["revenue"] == pytest.approx(frame["gross_revenue"].sum())
