"""pydruid's three clients against one real olap-lite process agree: the PyDruid native client,
the DB-API and the SQLAlchemy dialect; and native failures answer in Druid's documented body
({"error", "errorMessage", "errorClass", "host"}) with its status, raised by pydruid as Druid's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from pydruid.client import PyDruid
from pydruid.db import connect
from pydruid.utils.aggregators import count, doublesum
from pydruid.utils.filters import Dimension

from mauzo_common.testing.auth import druid_basic, druid_credentials

USER, PASSWORD = druid_credentials()


def pydruid_client(url: str) -> PyDruid:
    client = PyDruid(url, "druid/v2")
    client.set_basic_auth_credentials(USER, PASSWORD)  # type: ignore[no-untyped-call]
    return client


# pydruid's dialect predates SQLAlchemy's statement cache flag; the warning is about its speed
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dialect druid.rest will not make use of SQL compilation caching:"
    "sqlalchemy.exc.SAWarning"
)
DS = "native_sales"
INTERVALS = "2024-01-01/2024-05-01"


@pytest.fixture(scope="module")
def url(sales_url: str) -> str:
    return sales_url


@pytest.fixture(scope="module")
def http(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(auth=druid_basic(), base_url=url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def engine(url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(
        f"druid://{USER}:{PASSWORD}@{url.removeprefix('http://')}/druid/v2/sql/"
    )
    yield engine
    engine.dispose()


def test_native_db_api_and_sqlalchemy_agree(url: str, engine: sa.Engine) -> None:
    native = pydruid_client(url).topn(
        datasource=DS,
        granularity="all",
        intervals=INTERVALS,
        dimension="branch",
        filter=Dimension("product") == "p03",
        metric="revenue",
        threshold=4,
        aggregations={"revenue": doublesum("revenue"), "lines": count("revenue")},
    )
    from_native = [
        [r["branch"], round(r["revenue"], 6), r["lines"]] for r in native.result[0]["result"]
    ]

    query = (
        f"SELECT branch, SUM(revenue) AS revenue, COUNT(*) AS lines FROM {DS} "
        "WHERE product = 'p03' GROUP BY branch ORDER BY revenue DESC LIMIT 4"
    )
    host, port = url.removeprefix("http://").split(":")
    cursor = connect(host, int(port), path="/druid/v2/sql/", user=USER, password=PASSWORD).cursor()
    cursor.execute(query)
    from_db_api = [[b, round(r, 6), n] for b, r, n in cursor.fetchall()]

    table = sa.table(DS, sa.column("branch"), sa.column("revenue"), sa.column("product"))
    revenue = sa.func.sum(table.c.revenue).label("revenue")
    statement = (
        sa.select(table.c.branch, revenue, sa.func.count().label("lines"))
        .where(table.c.product == "p03")
        .group_by(table.c.branch)
        .order_by(revenue.desc())
        .limit(4)
    )
    with engine.connect() as conn:
        from_sqlalchemy = [[b, round(r, 6), n] for b, r, n in conn.execute(statement)]

    assert from_native == from_db_api == from_sqlalchemy
    assert len(from_native) == 4


def test_sqlalchemy_dialect_sees_the_datasource(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    assert DS in inspector.get_table_names()
    columns = {c["name"] for c in inspector.get_columns(DS)}
    assert {"__time", "branch", "product", "units", "revenue"} <= columns


def test_native_metadata_endpoints(http: httpx.Client) -> None:
    assert DS in http.get("/druid/v2/datasources").json()
    assert "branch" in http.get(f"/druid/v2/datasources/{DS}/dimensions").json()
    assert "revenue" in http.get(f"/druid/v2/datasources/{DS}/metrics").json()


def _error(http: httpx.Client, body: Any) -> httpx.Response:
    raw = body if isinstance(body, bytes) else None
    response = (
        http.post("/druid/v2", content=raw, headers={"Content-Type": "application/json"})
        if raw is not None
        else http.post("/druid/v2", json=body)
    )
    assert set(response.json()) == {"error", "errorMessage", "errorClass", "host"}
    return response


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "Json parse failed"),
        ({"queryType": "nope", "dataSource": DS}, 400, "Json parse failed"),
        (
            {"queryType": "timeseries", "dataSource": DS, "granularity": "all"},
            400,
            "Json parse failed",
        ),
        (
            {
                "queryType": "timeseries",
                "dataSource": DS,
                "intervals": [INTERVALS],
                "aggregations": [{"type": "javascript", "name": "js"}],
            },
            501,
            "Unsupported operation",
        ),
        (
            {"queryType": "groupBy", "dataSource": {"type": "join"}, "intervals": [INTERVALS]},
            501,
            "Unsupported operation",
        ),
    ],
    ids=["malformed", "unknown type", "no intervals", "javascript", "join"],
)
def test_failures_answer_in_druids_native_error_body(
    http: httpx.Client, body: Any, status: int, code: str
) -> None:
    response = _error(http, body)
    assert (response.status_code, response.json()["error"]) == (status, code)


def test_pydruid_raises_a_druid_failure_with_the_body(url: str) -> None:
    client = pydruid_client(url)
    with pytest.raises(OSError, match="Unsupported operation"):
        client.timeseries(
            datasource=DS,
            granularity="all",
            intervals=INTERVALS,
            aggregations={"x": {"type": "javascript", "fieldNames": ["a"]}},
        )


def test_a_datasource_without_segments_answers_no_rows(http: httpx.Client) -> None:
    response = http.post(
        "/druid/v2",
        json={
            "queryType": "timeseries",
            "dataSource": "nowhere",
            "intervals": [INTERVALS],
            "granularity": "all",
            "aggregations": [{"type": "count", "name": "rows"}],
        },
    )
    assert (response.status_code, response.json()) == (200, [])


def test_the_query_id_comes_back_in_the_header(http: httpx.Client) -> None:
    response = http.post(
        "/druid/v2",
        json={"queryType": "timeBoundary", "dataSource": DS, "context": {"queryId": "tb-1"}},
    )
    assert response.headers["X-Druid-Query-Id"] == "tb-1"
