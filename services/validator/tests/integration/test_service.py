"""The validator service against a real Tansu broker and a local object store (and S3 via moto)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from aiokafka import AIOKafkaConsumer

from mauzo_common.auth.principal import Role
from mauzo_common.events import (
    Envelope,
    FileRejected,
    FileUploaded,
    FileValidated,
    ValidationStarted,
)
from mauzo_common.file_kinds import FileKind
from mauzo_common.messaging import make_broker, publish
from mauzo_common.object_store import open_object_store
from mauzo_common.testing.auth import auth
from mauzo_validator.app import create_app
from mauzo_validator.pipeline import Keys, Validated, validate_upload
from mauzo_validator.settings import ValidatorSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
GOOD = (
    b"time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
    b"2024-03-01 10:00:00,Nairobi CBD,Soap,Home,Amina,ACME,INV1,2,200,120\n"
    b"2024-03-02 09:30:00,Mombasa,Tea,Food,Baraka,Duka,INV2,-1,-100,-60\n"
)
BAD = b"branch,amount\nNairobi,100\n"
OUTCOMES = (ValidationStarted.topic(), FileValidated.topic(), FileRejected.topic())


def put_upload(settings: ValidatorSettings, data: bytes, name: str) -> Envelope[FileUploaded]:
    task_id = uuid.uuid4().hex
    key = f"uploads/sales/{task_id}/{name}"
    open_object_store(settings).put_bytes(key, data)
    payload = FileUploaded(
        datasource="sales",
        object_key=key,
        file_name=name,
        size_bytes=len(data),
        sha256="0" * 64,
        file_kind=FileKind.CSV,
    )
    return Envelope.wrap(payload, task_id=task_id, producer="test")


async def events_for(
    bootstrap: str, task_ids: set[str], want: int, within: float = 60
) -> list[dict[str, Any]]:
    """Every event on the validator's output topics for these tasks, polled until `want` arrive."""
    consumer = AIOKafkaConsumer(
        *OUTCOMES,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=f"reader-{uuid.uuid4().hex}",
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = asyncio.get_running_loop().time() + within
        while len(found) < want and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for records in batch.values():
                for record in records:
                    body = json.loads(record.value)
                    if body["task_id"] in task_ids:
                        found.append(body)
    finally:
        await consumer.stop()
    return found


@pytest.mark.kafka
async def test_validates_and_rejects_uploads_end_to_end(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = ValidatorSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path,
        object_store_root=tmp_path / "objects",
        kafka_max_retries=0,
        kafka_retry_backoff_seconds=0.01,
    )
    app = create_app(settings)
    good, bad = put_upload(settings, GOOD, "good.csv"), put_upload(settings, BAD, "bad.csv")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://validator", auth=ADMIN
        ) as client:
            assert (await client.get("/api/health")).json() == {"status": "ok"}
        producer = make_broker(settings)
        async with producer:
            await producer.start()
            await publish(producer, good)
            await publish(producer, bad)
        events = await events_for(kafka_bootstrap, {good.task_id, bad.task_id}, want=4)

    by_task = {(e["task_id"], e["type"]): e for e in events}
    assert (good.task_id, "validation-started") in by_task
    assert (bad.task_id, "validation-started") in by_task
    validated = Envelope[FileValidated].model_validate(by_task[(good.task_id, "file-validated")])
    assert validated.correlation_id == good.correlation_id
    assert validated.payload.row_count == 2
    assert (validated.payload.rows_read, validated.payload.rows_rejected) == (2, 0)
    assert validated.payload.report_key == f"processed/sales/{good.task_id}/report.json"
    assert validated.payload.rejected_rows_key is None
    assert validated.payload.mapping["amount"] == "amount"
    assert validated.payload.date_formats == {"time": "YYYY-MM-DD HH:MM:SS"}
    assert validated.payload.processed_keys == [f"processed/sales/{good.task_id}/part-0.parquet"]
    assert validated.payload.interval_start.isoformat() == "2024-03-01T00:00:00+00:00"
    assert validated.payload.interval_end.isoformat() == "2024-03-03T00:00:00+00:00"
    metrics = {c.name for c in validated.payload.columns if c.role == "metric"}
    assert metrics == {"gross_revenue", "returns_value", "units_sold", "units_returned", "cost"}

    frame = pl.read_parquet(tmp_path / "objects" / validated.payload.processed_keys[0])
    assert frame["upload_id"].to_list() == [good.task_id] * 2
    assert frame["gross_revenue"].sum() + frame["returns_value"].sum() == 100
    assert frame["units_returned"].to_list() == [0.0, 1.0]

    rejected = Envelope[FileRejected].model_validate(by_task[(bad.task_id, "file-rejected")])
    assert rejected.payload.error.code == "no_time_column"
    assert not (tmp_path / "objects" / Keys.of("sales", bad.task_id).part(0)).exists()


@pytest.mark.s3
def test_validates_a_file_stored_in_s3(s3_endpoint: str, unique_name: str) -> None:
    settings = ValidatorSettings(
        object_store="s3", s3_endpoint_url=s3_endpoint, s3_bucket=unique_name
    )
    upload = put_upload(settings, GOOD, "good.csv")
    store = open_object_store(settings)
    outcome = validate_upload(store, upload.payload, upload.task_id, settings)
    assert isinstance(outcome, Validated)
    assert outcome.row_count == 2
    assert store.exists(outcome.processed_keys[0])
    with store.local_copy(outcome.processed_keys[0]) as path:
        assert pl.read_parquet(path)["invoice_id"].to_list() == ["INV1", "INV2"]
    assert store.uri(outcome.processed_keys[0]).startswith(f"s3://{unique_name}/processed/sales/")
