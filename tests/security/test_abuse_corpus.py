"""The abuse corpus: hostile input through every door of query-api (and upload's form).

Each payload must end in a clean refusal (a 4xx with the standard error shape, or a GraphQL
error with a code) or in an honest answer that contains nothing the request was not entitled to;
never a 5xx, never an engine's error text, never rows of another filter. After the whole corpus
the service still answers a normal question exactly.

Most payloads carry an admin token (the worst case: every route open to it), some a viewer's.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import bearer
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.druid import parquet_index_spec
from mauzo_common.testing.services import olap_lite_process
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings
from mauzo_upload.app import create_app as create_upload
from mauzo_upload.settings import UploadSettings

from .conftest import client_of, gated

DATASOURCE = "abuse_sales"
ROWS = 40
TOTAL = float(sum(100 + i for i in range(ROWS)))
# What only an engine, a driver or a crash would write; a refusal may echo the user's input,
# so words such as SELECT are not on the list.
LEAKS = (
    "Traceback",
    "duckdb",
    "DuckDB",
    "Binder Error",
    "Parser Error",
    "Catalog Error",
    "Conversion Error",
    "sqlglot",
    "psycopg",
    'File "/',
    "olap-lite",
)
GRAPHQL_CODES = {
    "BAD_USER_INPUT",
    "GRAPHQL_VALIDATION_FAILED",
    "DATASOURCE_NOT_FOUND",
    "COLUMN_NOT_FOUND",
    "QUERY_TOO_COSTLY",
    "FORBIDDEN",
    "CSRF_PREFLIGHT_REQUIRED",
}

INJECTIONS = [
    "' OR '1'='1",
    "x'); DROP TABLE abuse_sales; --",
    '" OR ""="',
    "Nairobi' UNION SELECT table_name FROM information_schema.tables --",
    "'; SELECT pg_sleep(5); --",
    "Nairobi\\' --",
]
FILTER_FIELDS = [
    "branches",
    "regions",
    "productLines",
    "itemGroups",
    "products",
    "salespeople",
    "customers",
]
TRAVERSALS = [
    "../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "sales/../../secrets",
    "%2e%2e%2fetc%2fpasswd",
    "sales; DROP TABLE abuse_sales",
    'sales" OR "1"="1',
    "INFORMATION_SCHEMA.TABLES",
    "sys.segments",
]


def frame() -> pl.DataFrame:
    t0 = datetime(2024, 3, 1, 9, tzinfo=UTC)
    return pl.DataFrame(
        {
            "__time": [t0 + timedelta(hours=i) for i in range(ROWS)],
            "branch": ["Nairobi" if i % 2 else "Mombasa" for i in range(ROWS)],
            "region": ["Coast"] * ROWS,
            "product": [f"p{i % 4}" for i in range(ROWS)],
            "product_line": ["Groceries"] * ROWS,
            "item_group": ["Dry"] * ROWS,
            "salesperson": ["Amina"] * ROWS,
            "customer": [f"c{i % 5}" for i in range(ROWS)],
            "invoice_id": [f"INV{i}" for i in range(ROWS)],
            "gross_revenue": [float(100 + i) for i in range(ROWS)],
            "returns_value": [0.0] * ROWS,
            "units_sold": [1.0] * ROWS,
            "cost": [50.0] * ROWS,
        }
    ).with_columns(pl.col("__time").dt.cast_time_unit("ms"))


def load(url: str, data_dir: Path) -> None:
    path = data_dir / "abuse.parquet"
    data = frame()
    data.write_parquet(path)
    task_id = f"abuse_{time.monotonic_ns()}"
    spec = parquet_index_spec(
        task_id,
        DATASOURCE,
        [path],
        dimensions=[c for c, t in data.schema.items() if t == pl.String],
        metrics=[c for c, t in data.schema.items() if t == pl.Float64],
    )
    # olap-lite speaks Druid's basic-security: the services' account (ignored where it is off).
    auth = ("mauzo", os.environ.get("MAUZO_DRUID_PASSWORD", ""))
    submitted = httpx.post(f"{url}/druid/indexer/v1/task", json=spec, auth=auth, timeout=30)
    assert submitted.status_code == 200, submitted.text

    def done() -> bool:
        answer = httpx.get(f"{url}/druid/indexer/v1/task/{task_id}/status", auth=auth, timeout=10)
        return answer.status_code == 200 and answer.json()["status"]["statusCode"] == "SUCCESS"

    wait_until(done, 60, "the abuse corpus' datasource loaded", every=0.1)


@pytest.fixture(scope="module")
def olap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("abuse-olap")
    with olap_lite_process(data_dir) as url:
        load(url, data_dir)
        yield url


@pytest.fixture
async def api(olap: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = QueryApiSettings(
        druid_router_url=olap,
        druid_overlord_url=olap,
        default_datasource=DATASOURCE,
        consume_events=False,
        dashboard_dir=tmp_path,
        cache_ttl_seconds=0,
    )
    async with client_of(gated(create_app(settings)), lifespan=True) as client:
        yield client


def assert_no_leak(answer: httpx.Response) -> None:
    assert answer.status_code < 500, answer.text[:500]
    for leak in LEAKS:
        assert leak not in answer.text, (leak, answer.text[:500])


def assert_rest_refusal(answer: httpx.Response) -> None:
    assert_no_leak(answer)
    assert 400 <= answer.status_code < 500, answer.text[:300]
    body = answer.json()
    error = body["error"]
    assert set(error) == {"code", "message", "hint", "request_id"}, error
    assert error["request_id"] == answer.headers["x-request-id"]


def assert_refused(answer: httpx.Response) -> None:
    """A 4xx in JSON: GraphQL's errors with codes, or the standard envelope."""
    assert_no_leak(answer)
    assert 400 <= answer.status_code < 500 or "errors" in answer.json(), answer.text[:300]
    payload = answer.json()
    if "errors" in payload:
        assert graphql_errors(answer)
        assert not payload.get("data")
    else:
        assert_rest_refusal(answer)


def graphql_errors(answer: httpx.Response) -> list[dict[str, Any]]:
    assert_no_leak(answer)
    body = answer.json()
    errors: list[dict[str, Any]] = body.get("errors") or []
    for error in errors:
        assert error["extensions"]["code"] in GRAPHQL_CODES, error
        assert error["extensions"]["hint"], error
        assert error["extensions"]["requestId"] == answer.headers["x-request-id"], error
    return errors


def overview(flt: str) -> str:
    return f"{{ salesOverview(filter: {flt}, compare: false) {{ netSales transactions }} }}"


# --- injections through every filter of every question: parameterised, so they match nothing


@pytest.mark.parametrize("field", FILTER_FIELDS)
@pytest.mark.parametrize("payload", INJECTIONS)
async def test_sql_injection_through_graphql_filters_matches_nothing(
    api: httpx.AsyncClient, field: str, payload: str
) -> None:
    query = "query($f: SalesFilterInput) { salesOverview(filter: $f, compare: false) { netSales } }"
    answer = await api.post(
        "/graphql",
        json={"query": query, "variables": {"f": {field: [payload]}}},
        headers=bearer(Role.VIEWER),
    )
    errors = graphql_errors(answer)
    if not errors:
        assert answer.json()["data"]["salesOverview"]["netSales"] in (0, 0.0, None)


@pytest.mark.parametrize("payload", INJECTIONS)
async def test_sql_injection_through_rankings_and_lists_matches_nothing(
    api: httpx.AsyncClient, payload: str
) -> None:
    literal = json.dumps(payload)
    query = (
        f"{{ productPerformance(filter: {{branches: [{literal}]}}) {{ key netSales }} "
        f"topCustomers(filter: {{customers: [{literal}]}}) {{ key }} "
        f"filterOptions(filter: {{products: [{literal}]}}) {{ branches }} }}"
    )
    answer = await api.post("/graphql", json={"query": query}, headers=bearer())
    if not graphql_errors(answer):
        data = answer.json()["data"]
        assert data["productPerformance"] == []
        assert data["topCustomers"] == []


@pytest.mark.parametrize("name", TRAVERSALS)
async def test_datasource_names_are_refused_not_resolved(api: httpx.AsyncClient, name: str) -> None:
    query = "query($d: String) { salesOverview(datasource: $d) { netSales } }"
    answer = await api.post(
        "/graphql", json={"query": query, "variables": {"d": name}}, headers=bearer()
    )
    errors = graphql_errors(answer)
    assert errors, answer.text
    assert answer.json()["data"] is None


EXPLORE_ATTACKS: list[dict[str, Any]] = [
    {"dimensions": ["branch; DROP TABLE abuse_sales"]},
    {"dimensions": ['branch" FROM abuse_sales --']},
    {"dimensions": ["*"]},
    {"dimensions": ["(SELECT 1)"]},
    {"aggregates": [{"function": "SUM", "column": "gross_revenue) FROM abuse_sales; --"}]},
    {"aggregates": [{"function": "COUNT_DISTINCT", "column": "1=1 OR branch"}]},
    {"filters": [{"column": "branch' OR '1'='1", "values": ["Nairobi"]}]},
    {"filters": [{"column": "branch", "values": ["' OR '1'='1"]}], "dimensions": ["branch"]},
    {"datasource": "../../etc/passwd"},
    {"datasource": "abuse_sales; DROP TABLE abuse_sales"},
    {"datasource": "information_schema.tables"},
    {"limit": -1},
    {"limit": 10_000_000},
]


@pytest.mark.parametrize("attack", EXPLORE_ATTACKS, ids=lambda a: json.dumps(a)[:40])
async def test_explore_refuses_what_is_not_a_column_or_a_datasource(
    api: httpx.AsyncClient, attack: dict[str, Any]
) -> None:
    query = {"datasource": DATASOURCE, "aggregates": [{"function": "COUNT"}], **attack}
    answer = await api.post(
        "/graphql",
        json={
            "query": "query($q: ExploreInput!) { explore(query: $q) { columns rows } }",
            "variables": {"q": query},
        },
        headers=bearer(Role.ADMIN),
    )
    errors = graphql_errors(answer)
    if not errors:  # a value filter: parameterised, so it keeps nothing
        assert answer.json()["data"]["explore"]["rows"] == []


REST_ATTACKS = [
    "/api/kpis/overview?datasource=../../etc/passwd",
    "/api/kpis/overview?datasource=abuse_sales;DROP TABLE x",
    "/api/kpis/overview?dateFrom=2024-01-01' OR '1'='1",
    "/api/kpis/products?limit=1;DROP TABLE x",
    "/api/kpis/products?orderBy=NET_SALES;--",
    "/api/kpis/profitability?dimension=branch) FROM abuse_sales --",
    "/api/kpis/trend?granularity=month'--",
    "/api/kpis/customers?direction=UP' OR 1=1",
]


@pytest.mark.parametrize("path", REST_ATTACKS)
async def test_rest_parameters_are_refused_with_the_envelope(
    api: httpx.AsyncClient, path: str
) -> None:
    assert_rest_refusal(await api.get(path, headers=bearer()))


@pytest.mark.parametrize("payload", INJECTIONS[:3])
async def test_rest_filter_values_match_nothing(api: httpx.AsyncClient, payload: str) -> None:
    answer = await api.get(
        "/api/kpis/overview", params={"branches": payload}, headers=bearer(Role.VIEWER)
    )
    assert_no_leak(answer)
    assert answer.status_code == 200
    assert answer.json()["data"]["netSales"] in (0, 0.0, None)


# --- the shape of the request itself ------------------------------------------------------


def alias_flood(n: int) -> str:
    return "{ " + " ".join(f"a{i}: salesOverview {{ netSales }}" for i in range(n)) + " }"


KPIS = "key netSales grossProfit grossMargin unitsSold transactions averagePrice returnRate"
COST_BOMB = (
    "{ "
    + " ".join(f"a{i}: productPerformance(limit: 10000) {{ {KPIS} }}" for i in range(25))
    + " }"
)


SHAPES: list[tuple[str, Any, dict[str, str]]] = [
    ("alias flood", {"query": alias_flood(200)}, {}),
    (
        "depth bomb",
        {"query": "{ " + "branchTrend { points { " * 12 + "netSales" + " } }" * 12 + " }"},
        {},
    ),
    (
        "fragment cycle",
        {"query": "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }"},
        {},
    ),
    ("token flood", {"query": "{ " + "__typename " * 5000 + "}"}, {}),
    (
        "cost bomb",
        {"query": COST_BOMB},
        {},
    ),
    ("batched operations", [{"query": "{ __typename }"}] * 50, {}),
    ("unknown operation name", {"query": "query A { __typename }", "operationName": "B"}, {}),
    (
        "oversized variables",
        {
            "query": "query($f: SalesFilterInput) { salesOverview(filter: $f) { netSales } }",
            "variables": {"f": {"branches": [f"b{i}" for i in range(20_000)]}},
        },
        {},
    ),
    ("huge string", {"query": overview('{branches: ["' + "A" * 2_000_000 + '"]}')}, {}),
    ("variables not an object", {"query": "{ __typename }", "variables": "1; DROP"}, {}),
    ("query not a string", {"query": {"$ne": None}}, {}),
    ("mutation smuggled by GET", None, {}),
]


@pytest.mark.parametrize("case", SHAPES, ids=[s[0] for s in SHAPES])
async def test_hostile_graphql_shapes_are_refused_cleanly(
    api: httpx.AsyncClient, case: tuple[str, Any, dict[str, str]]
) -> None:
    _, body, _ = case
    if body is None:
        answer = await api.get(
            "/graphql",
            params={
                "query": 'mutation { uploadSalesData(datasource: "x", file: null) { taskId } }'
            },
            headers=bearer(),
        )
    else:
        answer = await api.post("/graphql", json=body, headers=bearer())
    assert_refused(answer)


async def test_a_huge_body_without_a_length_is_cut_off_at_the_ceiling(
    api: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(40):
            yield b"A" * 65_536
        yield b'"}}'

    answer = await api.post(
        "/graphql",
        content=chunks(),
        headers={"Content-Type": "application/json", **bearer()},
    )
    assert_rest_refusal(answer)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "request_too_large"


# --- headers --------------------------------------------------------------------------------


async def test_crlf_in_the_request_id_is_not_echoed(api: httpx.AsyncClient) -> None:
    # Sent raw over ASGI (an HTTP client would refuse to write it).
    headers = [(b"x-request-id", b"abc\r\nSet-Cookie: pwned=1"), *_auth_raw()]
    status, response_headers = await _raw(api, "GET", "/api/kpis/overview?datasource=nope", headers)
    assert status < 500
    names = {k.lower() for k, _ in response_headers}
    assert b"set-cookie" not in names
    rid = dict(response_headers)[b"x-request-id"]
    assert b"\r" not in rid
    assert b"\n" not in rid
    assert rid != b"abc"


async def test_a_huge_authorization_header_is_401(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer " + "x" * 100_000},
    )
    assert_rest_refusal(answer)
    assert answer.status_code == 401


@pytest.mark.parametrize(
    "content_type",
    ["application/x-evil", "text/plain", "multipart/form-data; boundary=x", "application/xml"],
)
async def test_bogus_content_types_are_refused(api: httpx.AsyncClient, content_type: str) -> None:
    answer = await api.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"Content-Type": content_type, **bearer()},
    )
    assert_refused(answer)


def _auth_raw() -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode(), v.encode()) for k, v in bearer().items()]


async def _raw(
    api: httpx.AsyncClient, method: str, target: str, headers: list[tuple[bytes, bytes]]
) -> tuple[int, list[tuple[bytes, bytes]]]:
    transport = api._transport
    assert isinstance(transport, httpx.ASGITransport)
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await transport.app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], list(start["headers"])


# --- upload's form: datasource names and file names -------------------------------------------


@pytest.mark.parametrize("name", TRAVERSALS)
async def test_upload_refuses_datasource_names_that_are_not_names(
    name: str, tmp_path: Path
) -> None:
    app = gated(create_upload(UploadSettings(data_dir=tmp_path)))
    async with client_of(app) as client:
        answer = await client.post(
            "/api/ingest/upload",
            data={"datasource": name},
            files={"file": ("../../../../tmp/evil.csv", b"a,b\n1,2\n", "text/csv")},
            headers=bearer(Role.UPLOADER),
        )
    assert_no_leak(answer)
    assert 400 <= answer.status_code < 500
    assert set(answer.json()["error"]) == {"code", "message", "hint", "request_id"}
    assert written_evil(tmp_path) == []


def written_evil(root: Path) -> list[Path]:
    """Files named like the hostile upload, in the store or where its name pointed."""
    found = [p for p in root.rglob("*") if p.is_file() and "evil" in p.name]
    return found + [p for p in [Path("/tmp/evil.csv")] if p.exists()]


# --- and afterwards ---------------------------------------------------------------------------


async def test_after_the_corpus_a_normal_question_is_answered_exactly(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.post(
        "/graphql",
        json={"query": "{ salesOverview(compare: false) { netSales transactions } }"},
        headers=bearer(Role.VIEWER),
    )
    assert answer.status_code == 200
    assert answer.json() == {"data": {"salesOverview": {"netSales": TOTAL, "transactions": ROWS}}}
