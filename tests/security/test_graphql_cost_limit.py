"""A query over MAUZO_GRAPHQL_MAX_COST is refused before the OLAP sees it, with its cost."""

from __future__ import annotations

from typing import Any

from mauzo_common.testing.components import free_port
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings

from .conftest import client_of, gated, headers_of

COSTLY = " ".join(
    f"a{i}: productPerformance(limit: 5000) {{ key netSales grossProfit }}" for i in range(10)
)


async def test_a_too_costly_query_is_refused_with_its_cost_before_anything_runs() -> None:
    settings = QueryApiSettings(
        druid_router_url=f"http://127.0.0.1:{free_port()}",
        druid_max_retries=0,
        consume_events=False,
        graphql_max_cost=50_000,
    )
    app = gated(create_app(settings))
    async with client_of(app, lifespan=True) as client:
        answer = await client.post(
            "/graphql", json={"query": f"{{ {COSTLY} }}"}, headers=headers_of("analyst")
        )
        services: Any = app.state.services
        assert services.runner.olap_calls == 0
    body = answer.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 10 * (1 + 5000 * 3)
    assert error["extensions"]["maxCost"] == 50_000
    assert "150010" in error["message"]
    assert error["extensions"]["requestId"] == answer.headers["x-request-id"]
