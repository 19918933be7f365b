"""Whole responses are served from the in-process cache, and dropped with their datasource."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from prometheus_client import REGISTRY

from mauzo_query_api.settings import QueryApiSettings


def rows(amount: float, n: int) -> pl.DataFrame:
    t0 = datetime(2024, 5, 1, 8, tzinfo=UTC)
    return pl.DataFrame(
        {
            "__time": [t0 + timedelta(minutes=i) for i in range(n)],
            "branch": [f"b{i % 2}" for i in range(n)],
            "invoice_id": [f"i{i}" for i in range(n)],
            "gross_revenue": [amount] * n,
            "returns_value": [0.0] * n,
        }
    ).with_columns(pl.col("__time").dt.cast_time_unit("ms"))


def _graphql_answers_timed() -> float:
    labels = {"method": "POST", "route": "/graphql", "status": "200"}
    count = REGISTRY.get_sample_value("mauzo_http_request_duration_seconds_count", labels)
    return count or 0.0


async def test_repeated_question_is_answered_from_the_response_cache(
    serve, olap_lite, unique_name
) -> None:
    datasource = f"rc_{unique_name}"
    olap_lite.load(datasource, rows(10.0, 6))
    settings = QueryApiSettings(druid_router_url=olap_lite.url, consume_events=False)
    query = f'{{ salesOverview(datasource: "{datasource}") {{ netSales }} }}'
    spaced = f'query {{\n  salesOverview(datasource: "{datasource}") {{\n    netSales\n  }}\n}}'
    async with serve(settings) as (app, client):
        services: Any = app.state.services
        first = await client.post("/graphql", json={"query": query})
        calls = services.runner.olap_calls
        timed = _graphql_answers_timed()
        second = await client.post("/graphql", json={"query": spaced})
        assert services.responses.hits == 1
        assert _graphql_answers_timed() == timed + 1, "a cached answer is timed as /graphql's"
        assert services.runner.olap_calls == calls
        assert second.json() == first.json() == {"data": {"salesOverview": {"netSales": 60.0}}}
        assert second.headers["x-request-id"]

        olap_lite.load(datasource, rows(5.0, 2))
        await services.invalidate(datasource)
        third = await client.post("/graphql", json={"query": query})
    assert third.json()["data"]["salesOverview"]["netSales"] == 70.0
