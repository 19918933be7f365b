"""When the Overlord cannot take the task the handler fails: the message is retried, not acked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidUnavailable
from mauzo_common.events import ColumnInfo, Envelope, FileValidated
from mauzo_common.messaging import make_broker
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_common.testing.components import free_port
from mauzo_spec_builder.app import create_app
from mauzo_spec_builder.handlers import Handlers
from mauzo_spec_builder.settings import SpecBuilderSettings


def _validated(task_id: str) -> Envelope[FileValidated]:
    event = FileValidated(
        datasource="sales",
        processed_keys=[f"processed/sales/{task_id}/part-0.parquet"],
        row_count=3,
        columns=[
            ColumnInfo(name="__time", type="timestamp", role="time"),
            ColumnInfo(name="branch", type="string", role="dimension"),
            ColumnInfo(name="gross_revenue", type="double", role="metric"),
        ],
        interval_start=datetime(2024, 1, 1, tzinfo=UTC),
        interval_end=datetime(2024, 1, 2, tzinfo=UTC),
    )
    return Envelope.wrap(event, task_id=task_id, producer="validator")


async def test_unreachable_overlord_is_a_transient_failure(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = SpecBuilderSettings(kafka_bootstrap="127.0.0.1:1", druid_overlord_url=closed)
    async with httpx.AsyncClient(timeout=2) as http:
        handlers = Handlers(
            broker=make_broker(settings),
            store=LocalObjectStore(tmp_path),
            overlord=DruidClient.from_settings(http, settings, timeout=2),
        )
        with pytest.raises(DruidUnavailable, match=r"127\.0\.0\.1"):
            await handlers.on_file_validated(_validated("a" * 32))


async def test_health_is_not_ok_until_the_broker_runs(tmp_path: Path) -> None:
    app = create_app(SpecBuilderSettings(data_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://spec-builder") as http:
        response = await http.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {"status": "starting"}
