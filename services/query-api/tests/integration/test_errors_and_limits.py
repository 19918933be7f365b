"""What a client sees when a question is refused or the OLAP is down: codes, requestId, no SQL."""

from __future__ import annotations

import pytest

from mauzo_common.testing.components import free_port
from mauzo_query_api.settings import QueryApiSettings

OVERVIEW = (
    'query { salesOverview(filter: {dateFrom: "2024-01-01", dateTo: "2024-01-31"}) { netSales } }'
)


@pytest.fixture
def offline() -> QueryApiSettings:
    # Nothing listens on this port: the OLAP is unreachable.
    return QueryApiSettings(
        druid_router_url=f"http://127.0.0.1:{free_port()}", consume_events=False
    )


async def test_health_is_ok_without_the_olap_and_druid_health_says_unavailable(
    serve, offline
) -> None:
    async with serve(offline) as (_, client):
        assert (await client.get("/api/health")).json() == {"status": "ok"}
        olap = await client.get("/api/health/druid")
        assert olap.status_code == 503


async def test_unreachable_olap_is_a_coded_graphql_error_with_the_request_id(
    serve, offline
) -> None:
    async with serve(offline) as (_, client):
        response = await client.post(
            "/graphql", json={"query": OVERVIEW}, headers={"X-Request-Id": "req-42"}
        )
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "OLAP_UNAVAILABLE",
        "hint": "Retry in a moment.",
        "requestId": "req-42",
    }
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-request-id"] == "req-42"


async def test_rest_errors_use_the_envelope_and_real_status_codes(serve, offline) -> None:
    async with serve(offline) as (_, client):
        down = await client.get("/api/kpis/overview", params={"dateFrom": "2024-01-01"})
        bad = await client.get("/api/kpis/products", params={"limit": 0})
        wrong_date = await client.get("/api/kpis/overview", params={"dateFrom": "yesterday"})
    assert down.status_code == 503
    assert down.json()["error"]["code"] == "OLAP_UNAVAILABLE"
    assert down.json()["data"] is None
    assert down.json()["metadata"]["requestId"] == down.headers["x-request-id"]
    assert bad.status_code in (400, 503)
    assert wrong_date.status_code == 400
    assert wrong_date.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_too_deep_queries_are_refused_before_reaching_the_olap(serve) -> None:
    settings = QueryApiSettings(
        druid_router_url=f"http://127.0.0.1:{free_port()}",
        consume_events=False,
        graphql_max_depth=1,
    )
    deep = "{ branchTrend { points { netSales } } }"
    async with serve(settings) as (app, client):
        body = (await client.post("/graphql", json={"query": deep})).json()
        assert app.state.services.runner.olap_calls == 0
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "depth" in body["errors"][0]["message"]


async def test_too_many_aliases_and_tokens_are_refused(serve, offline) -> None:
    aliases = "{ " + " ".join(f"a{i}: dataRange {{ rowCount }}" for i in range(40)) + " }"
    tokens = "{ dataRange { " + " ".join(["rowCount"] * 1200) + " } }"
    async with serve(offline) as (_, client):
        many = (await client.post("/graphql", json={"query": aliases})).json()
        long = (await client.post("/graphql", json={"query": tokens})).json()
    assert many["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "alias" in many["errors"][0]["message"].lower()
    assert long["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_row_limits_are_bounded(serve, offline) -> None:
    query = "{ productPerformance(limit: 10001) { key } }"
    async with serve(offline) as (_, client):
        body = (await client.post("/graphql", json={"query": query})).json()
    # The limit is checked after the (unreachable) catalog: either refusal is a coded error.
    assert body["errors"][0]["extensions"]["code"] in ("BAD_USER_INPUT", "OLAP_UNAVAILABLE")


async def test_unknown_route_validation_and_domain_errors_share_the_rest_envelope(
    serve, offline
) -> None:
    async with serve(offline) as (_, client):
        unknown = await client.get("/api/kpis/nowhere", headers={"x-request-id": "rid-404"})
        invalid = await client.get("/api/kpis/overview", params={"dateFrom": "yesterday"})
        domain = await client.get("/api/kpis/overview", params={"dateFrom": "2024-01-01"})
    expected = [(unknown, 404, "NOT_FOUND"), (invalid, 400, "BAD_USER_INPUT")]
    expected.append((domain, 503, "OLAP_UNAVAILABLE"))
    for response, status, code in expected:
        body = response.json()
        assert response.status_code == status
        assert set(body) == {"data", "error", "metadata"}
        assert body["data"] is None
        assert set(body["error"]) == {"code", "message", "hint", "request_id"}
        assert body["error"]["code"] == code
        assert body["error"]["hint"]
        assert body["error"]["request_id"] == response.headers["x-request-id"]
        assert body["metadata"]["requestId"] == response.headers["x-request-id"]
    assert unknown.headers["x-request-id"] == "rid-404"
    assert "dateFrom" in invalid.json()["error"]["message"]
