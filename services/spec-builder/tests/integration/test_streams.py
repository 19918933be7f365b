"""spec-builder owns the stream supervisors: created once per datasource, on the first record's
`StreamOpened` or `POST /api/streams`, and suspended, resumed and reset through its API (olap-lite
as the Overlord, a real broker)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from mauzo_common.auth.principal import Role
from mauzo_common.events import Envelope, StreamOpened, clean_topic, stream_upload_id
from mauzo_common.messaging import make_broker, publish
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_common.testing.errors import assert_error_body
from mauzo_spec_builder.app import create_app
from mauzo_spec_builder.settings import SpecBuilderSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka


@pytest.fixture
async def api(
    kafka_bootstrap: str, olap_lite: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = SpecBuilderSettings(
        data_dir=tmp_path,
        kafka_bootstrap=kafka_bootstrap,
        druid_overlord_url=olap_lite,
        druid_router_url=olap_lite,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://spec-builder", auth=ADMIN
        ) as http:
            yield http


async def supervisors(olap_lite: str) -> list[str]:
    async with httpx.AsyncClient(base_url=olap_lite, auth=druid_basic()) as http:
        ids: list[str] = (await http.get("/druid/indexer/v1/supervisor")).json()
        return ids


async def count(olap_lite: str, datasource: str) -> int:
    async with httpx.AsyncClient(base_url=olap_lite, auth=druid_basic()) as http:
        answer = await http.post(
            "/druid/v2/sql", json={"query": f'SELECT COUNT(*) AS n FROM "{datasource}"'}
        )
        return int(answer.json()[0]["n"]) if answer.status_code == 200 else 0


async def eventually(check: Any, what: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(what)


async def test_post_creates_the_supervisor_once_and_it_loads_the_clean_topic(
    api: httpx.AsyncClient, olap_lite: str, kafka_bootstrap: str, unique_name: str
) -> None:
    first = await api.post("/api/streams", json={"datasource": unique_name})
    again = await api.post("/api/streams", json={"datasource": unique_name})
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["topic"] == clean_topic(unique_name)
    assert (await supervisors(olap_lite)).count(unique_name) == 1

    # Rows as the documented clean topic carries them (docs/architecture.md#streams).
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for i in range(300):
            row = {"__time": 1740812400000 + i * 1000, "branch": "Mombasa", "event_id": f"e{i}",
                   "upload_id": stream_upload_id(unique_name), "gross_revenue": 10.0,
                   "returns_value": 0.0, "units_sold": 1.0, "units_returned": 0.0}  # fmt: skip
            await producer.send(clean_topic(unique_name), json.dumps(row).encode())
        await producer.flush()
    finally:
        await producer.stop()

    async def loaded() -> bool:
        return await count(olap_lite, unique_name) == 300

    await eventually(loaded, "300 streamed rows queryable")


async def test_stream_opened_creates_the_supervisor_even_when_delivered_twice(
    api: httpx.AsyncClient, olap_lite: str, kafka_bootstrap: str, unique_name: str
) -> None:
    broker = make_broker(SpecBuilderSettings(kafka_bootstrap=kafka_bootstrap))
    await broker.start()
    try:
        opened = StreamOpened(datasource=unique_name, clean_topic=clean_topic(unique_name))
        for _ in range(2):
            envelope = Envelope.wrap(opened, task_id=stream_upload_id(unique_name), producer="t")
            await publish(broker, envelope)
    finally:
        await broker.stop()

    async def created() -> bool:
        return unique_name in await supervisors(olap_lite)

    await eventually(created, "supervisor created from StreamOpened")
    assert (await supervisors(olap_lite)).count(unique_name) == 1


async def test_suspend_resume_and_reset_through_the_api(
    api: httpx.AsyncClient, unique_name: str
) -> None:
    assert (await api.post("/api/streams", json={"datasource": unique_name})).status_code == 201
    suspended = await api.post(f"/api/streams/{unique_name}/suspend")
    assert suspended.status_code == 200
    assert suspended.json()["state"] == "SUSPENDED"
    assert (await api.post(f"/api/streams/{unique_name}/suspend")).status_code == 200
    resumed = await api.post(f"/api/streams/{unique_name}/resume")
    assert resumed.json()["state"] != "SUSPENDED"
    assert (await api.post(f"/api/streams/{unique_name}/reset")).status_code == 200
    assert_error_body(await api.post("/api/streams/nosuch_ds/suspend"), 404, "stream_not_found")
    assert_error_body(
        await api.post("/api/streams", json={"datasource": "1 bad"}), 422, "invalid_datasource"
    )
