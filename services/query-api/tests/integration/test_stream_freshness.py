"""Answers over a streamed datasource are never staler than 2 s: rows a Kafka supervisor loads
(olap-lite, a real broker) show in GraphQL within 2 s of becoming queryable, with no event."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from mauzo_common.druid.supervisors import kafka_supervisor_spec
from mauzo_common.events import Envelope, StreamOpened, clean_topic, stream_upload_id
from mauzo_common.messaging import make_broker, publish
from mauzo_common.testing.auth import druid_basic
from mauzo_query_api.settings import QueryApiSettings

DRUID = druid_basic()  # olap-lite's Basic login, as the services present it
pytestmark = pytest.mark.kafka

QUERY = "{ salesOverview(datasource: $DS, compare: false) { netSales lines } }"


async def overview(client: httpx.AsyncClient, datasource: str) -> dict[str, Any]:
    body = (
        await client.post("/graphql", json={"query": QUERY.replace("$DS", f'"{datasource}"')})
    ).json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["salesOverview"]
    return result


async def produce(bootstrap: str, datasource: str, amount: float, n: int, first: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for i in range(first, first + n):
            row = {"__time": 1714550400000 + i * 60_000, "branch": "Mombasa",
                   "product": "Bread", "product_line": "Bakery", "salesperson": "Kamau",
                   "customer": f"C{i}", "invoice_id": f"INV{i}", "event_id": f"e{i}",
                   "upload_id": stream_upload_id(datasource), "gross_revenue": amount,
                   "returns_value": 0.0, "units_sold": 1.0, "units_returned": 0.0,
                   "cost": amount / 2}  # fmt: skip
            await producer.send(clean_topic(datasource), json.dumps(row).encode())
        await producer.flush()
    finally:
        await producer.stop()


async def sql_lines(url: str, datasource: str) -> int:
    async with httpx.AsyncClient(base_url=url, auth=DRUID) as http:
        answer = await http.post(
            "/druid/v2/sql", json={"query": f'SELECT COUNT(*) AS n FROM "{datasource}"'}
        )
        return int(answer.json()[0]["n"]) if answer.status_code == 200 else 0


async def until(check: Any, what: str, within: float = 60) -> float:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.02)
    return time.monotonic()


@pytest.mark.parametrize("announced", [False, True], ids=["supervisor-at-start", "stream-opened"])
async def test_streamed_rows_show_within_two_seconds_of_being_queryable(
    serve, olap_lite, kafka_bootstrap, unique_name, announced
) -> None:
    datasource = f"fresh_{unique_name}_{int(announced)}"
    settings = QueryApiSettings(
        druid_router_url=olap_lite.url,
        druid_overlord_url=olap_lite.url,
        kafka_bootstrap=kafka_bootstrap,
        catalog_ttl_seconds=0,
        events_group=f"mauzo-query-api-{unique_name}-{int(announced)}",
    )
    spec = kafka_supervisor_spec(datasource, bootstrap_servers=kafka_bootstrap)
    await produce(kafka_bootstrap, datasource, 100.0, 10, 0)
    if not announced:  # query-api finds it among the supervisors when it starts
        await create(olap_lite.url, spec)
        await until(lambda: _is(sql_lines(olap_lite.url, datasource), 10), "first rows")
    async with serve(settings) as (_, client):
        if announced:  # created after query-api started: StreamOpened tells it
            await create(olap_lite.url, spec)
            await until(lambda: _is(sql_lines(olap_lite.url, datasource), 10), "first rows")
            broker = make_broker(settings)
            async with broker:
                await broker.start()
                opened = StreamOpened(datasource=datasource, clean_topic=clean_topic(datasource))
                await publish(broker, Envelope.wrap(opened, task_id=datasource, producer="t"))
            await until(lambda: _is_net(client, datasource, 1000.0), "first answer")
            await asyncio.sleep(1.5)  # StreamOpened has been consumed by now
        assert (await overview(client, datasource))["netSales"] == pytest.approx(1000.0)
        await produce(kafka_bootstrap, datasource, 50.0, 4, 10)
        queryable = await until(lambda: _is(sql_lines(olap_lite.url, datasource), 14), "loaded")
        shown = await until(lambda: _is_net(client, datasource, 1200.0), "shown", within=10)
        assert shown - queryable <= 2.0


async def create(url: str, spec: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=url, auth=DRUID) as http:
        answer = await http.post("/druid/indexer/v1/supervisor", json=spec)
        assert answer.status_code == 200, answer.text


async def _is(value: Any, want: int) -> bool:
    return bool(await value == want)


async def _is_net(client: httpx.AsyncClient, datasource: str, want: float) -> bool:
    return bool((await overview(client, datasource))["netSales"] == pytest.approx(want))
