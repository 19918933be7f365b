"""A finished ingestion (IngestionCompleted on the real broker) drops that datasource's cache,
in process and in Redis."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import polars as pl
import pytest

from mauzo_common.events import Envelope, IngestionCompleted
from mauzo_common.messaging import make_broker, publish
from mauzo_common.testing.components import port_open
from mauzo_query_api.settings import QueryApiSettings

pytestmark = pytest.mark.kafka

QUERY = "{ salesOverview(datasource: $DS, compare: false) { netSales lines } }"


def rows(amount: float, n: int) -> pl.DataFrame:
    t0 = datetime(2024, 5, 1, 8, tzinfo=UTC)
    data = {
        "__time": [t0 + timedelta(minutes=i) for i in range(n)],
        **{
            c: [f"{c}-{i % 3}" for i in range(n)]
            for c in (
                "branch",
                "product",
                "product_line",
                "salesperson",
                "customer",
                "invoice_id",
                "upload_id",
            )
        },
        "gross_revenue": [amount] * n,
        "returns_value": [0.0] * n,
        "units_sold": [1.0] * n,
        "units_returned": [0.0] * n,
        "cost": [amount / 2] * n,
    }
    return pl.DataFrame(data).with_columns(pl.col("__time").dt.cast_time_unit("ms"))


async def overview(client: httpx.AsyncClient, datasource: str) -> dict[str, Any]:
    query = QUERY.replace("$DS", f'"{datasource}"')
    body = (await client.post("/graphql", json={"query": query})).json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["salesOverview"]
    return result


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_ingestion_completed_invalidates_the_datasource(
    serve, olap_lite, kafka_bootstrap, unique_name, backend
) -> None:
    if backend == "redis" and not port_open(6379):
        pytest.skip("Redis is not listening on 127.0.0.1:6379")
    datasource = f"inv_{backend}_{unique_name}"
    settings = QueryApiSettings(
        druid_router_url=olap_lite.url,
        kafka_bootstrap=kafka_bootstrap,
        redis_url="redis://127.0.0.1:6379/0" if backend == "redis" else "",
        catalog_ttl_seconds=0,
        # A fresh group per test: joining does not wait for the previous test's member to expire.
        events_group=f"mauzo-query-api-{unique_name}",
    )
    olap_lite.load(datasource, rows(100.0, 10))
    async with serve(settings) as (_, client):
        assert (await overview(client, datasource))["netSales"] == pytest.approx(1000.0)
        olap_lite.load(datasource, rows(50.0, 4))
        # Cached: the new rows are not visible until the ingestion is announced.
        assert (await overview(client, datasource))["netSales"] == pytest.approx(1000.0)

        producer = make_broker(settings)
        async with producer:
            await producer.start()
            event = IngestionCompleted(
                datasource=datasource, druid_task_id="t", status="succeeded", rows_ingested=4
            )
            await publish(producer, Envelope.wrap(event, task_id=unique_name, producer="test"))

        deadline = time.monotonic() + 30
        while (answer := await overview(client, datasource))["netSales"] != pytest.approx(1200.0):
            assert time.monotonic() < deadline, f"cache never invalidated: {answer}"
            await asyncio.sleep(0.1)
        assert answer["lines"] == 14
