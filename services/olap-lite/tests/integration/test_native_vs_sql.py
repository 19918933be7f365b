"""Every native query type answers what the equivalent Druid SQL answers, both asked of one real
olap-lite process by third-party clients: pydruid's PyDruid client (or plain JSON over HTTP for
the shapes pydruid does not build) for native queries, pydruid's DB-API for SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydruid.client import PyDruid
from pydruid.db import connect
from pydruid.utils.aggregators import count, doublesum, longsum
from pydruid.utils.filters import Dimension, Filter
from pydruid.utils.postaggregator import Field

from mauzo_common.testing.auth import druid_basic, druid_credentials

USER, PASSWORD = druid_credentials()


def pydruid_client(url: str) -> PyDruid:
    client = PyDruid(url, "druid/v2")
    client.set_basic_auth_credentials(USER, PASSWORD)  # type: ignore[no-untyped-call]
    return client


DS = "native_sales"
INTERVALS = "2024-01-01/2024-05-01"


@pytest.fixture(scope="module")
def url(sales_url: str) -> str:
    return sales_url


@pytest.fixture(scope="module")
def pydruid(url: str) -> PyDruid:
    return pydruid_client(url)


@pytest.fixture(scope="module")
def http(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(auth=druid_basic(), base_url=url, timeout=60) as client:
        yield client


def sql(url: str, query: str, zone: str | None = None) -> list[list[Any]]:
    host, port = url.removeprefix("http://").split(":")
    context = {"sqlTimeZone": zone} if zone else {}
    cursor = connect(
        host, int(port), path="/druid/v2/sql/", context=context, user=USER, password=PASSWORD
    ).cursor()
    cursor.execute(query)
    return [list(row) for row in cursor.fetchall()]


def native(http: httpx.Client, query: dict[str, Any]) -> Any:
    response = http.post("/druid/v2", json={"dataSource": DS, **query})
    assert response.status_code == 200, response.text
    return response.json()


def close(rows: list[list[Any]]) -> list[list[Any]]:
    """Sums of doubles are compared to 6 decimals (the two plans may add in other orders)."""
    return [[round(v, 6) if isinstance(v, float) else v for v in row] for row in rows]


@pytest.mark.parametrize(
    ("granularity", "floor", "zone"),
    [
        ("day", "TIME_FLOOR(__time, 'P1D')", None),
        (
            {"type": "period", "period": "P1D", "timeZone": "Africa/Nairobi"},
            "TIME_FLOOR(__time, 'P1D')",
            "Africa/Nairobi",
        ),
        (
            {"type": "period", "period": "P1W", "timeZone": "America/New_York"},
            "TIME_FLOOR(__time, 'P1W')",
            "America/New_York",
        ),
        (
            {"type": "period", "period": "P1M", "timeZone": "America/New_York"},
            "TIME_FLOOR(__time, 'P1M')",
            "America/New_York",
        ),
        ({"type": "duration", "duration": 6 * 3600 * 1000}, "TIME_FLOOR(__time, 'PT6H')", None),
        ("quarter", "TIME_FLOOR(__time, 'P3M')", None),
    ],
)
def test_timeseries_equals_sql(
    pydruid: PyDruid, url: str, granularity: Any, floor: str, zone: str | None
) -> None:
    result = pydruid.timeseries(
        datasource=DS,
        granularity=granularity,
        intervals=INTERVALS,
        filter=Dimension("branch") != "Kisumu",
        aggregations={
            "rows": count("revenue"),
            "revenue": doublesum("revenue"),
            "units": longsum("units"),
        },
        post_aggregations={"per_unit": Field("revenue") / Field("units")},
        context={"skipEmptyBuckets": "true"},
    ).result
    got = [
        [
            r["timestamp"],
            r["result"]["rows"],
            r["result"]["revenue"],
            r["result"]["units"],
            r["result"]["per_unit"],
        ]
        for r in result
    ]
    expected = sql(
        url,
        f"SELECT {floor} AS t, COUNT(*), SUM(revenue), SUM(units), SUM(revenue) / SUM(units) "
        f"FROM {DS} WHERE branch <> 'Kisumu' GROUP BY 1 ORDER BY 1",
        zone,
    )
    assert close(got) == close(expected)
    assert len(got) > 1


def test_timeseries_fills_empty_buckets_and_adds_a_grand_total(
    http: httpx.Client, url: str
) -> None:
    result = native(
        http,
        {
            "queryType": "timeseries",
            "granularity": "day",
            "intervals": ["2024-02-01/2024-03-01"],
            "filter": {"type": "selector", "dimension": "product", "value": "p07"},
            "aggregations": [
                {"type": "count", "name": "rows"},
                {"type": "doubleSum", "name": "revenue", "fieldName": "revenue"},
            ],
            "context": {"grandTotal": True},
        },
    )
    *days, total = result
    assert len(days) == 29  # every day of February 2024, the empty ones with count 0
    counted = dict(
        sql(
            url,
            f"SELECT TIME_FLOOR(__time, 'P1D'), COUNT(*) FROM {DS} WHERE product = 'p07' "
            "AND __time >= TIMESTAMP '2024-02-01' AND __time < TIMESTAMP '2024-03-01' GROUP BY 1",
        )
    )
    for day in days:
        assert day["result"]["rows"] == counted.get(day["timestamp"], 0)
        if day["result"]["rows"] == 0:
            assert day["result"]["revenue"] is None
    assert total["timestamp"] is None
    assert total["result"]["rows"] == sum(counted.values())


@pytest.mark.parametrize("inverted", [False, True])
def test_top_n_equals_sql(pydruid: PyDruid, url: str, inverted: bool) -> None:
    metric: Any = {"type": "inverted", "metric": "revenue"} if inverted else "revenue"
    result = pydruid.topn(
        datasource=DS,
        granularity="month",
        intervals=INTERVALS,
        dimension="product",
        metric=metric,
        threshold=3,
        aggregations={"revenue": doublesum("revenue"), "units": longsum("units")},
    ).result
    got = [
        [r["timestamp"], x["product"], x["revenue"], x["units"]]
        for r in result
        for x in r["result"]
    ]
    order = "ASC" if inverted else "DESC"
    expected = sql(
        url,
        "SELECT m, product, revenue, units FROM ("
        "SELECT TIME_FLOOR(__time, 'P1M') AS m, product, SUM(revenue) AS revenue, "
        "SUM(units) AS units, ROW_NUMBER() OVER "
        f"(PARTITION BY TIME_FLOOR(__time, 'P1M') ORDER BY SUM(revenue) {order}) AS r "
        f"FROM {DS} GROUP BY 1, 2) WHERE r <= 3 ORDER BY m, r",
    )
    assert close(got) == close(expected)


def test_group_by_with_having_limit_and_post_aggregations_equals_sql(
    http: httpx.Client, url: str
) -> None:
    result = native(
        http,
        {
            "queryType": "groupBy",
            "granularity": "all",
            "intervals": [INTERVALS],
            "dimensions": [
                "branch",
                {"type": "default", "dimension": "product", "outputName": "item"},
            ],
            "filter": {"type": "bound", "dimension": "units", "lower": "2", "ordering": "numeric"},
            "aggregations": [
                {"type": "doubleSum", "name": "revenue", "fieldName": "revenue"},
                {"type": "doubleSum", "name": "cost", "fieldName": "cost"},
                {"type": "count", "name": "lines"},
            ],
            "postAggregations": [
                {
                    "type": "arithmetic",
                    "name": "margin",
                    "fn": "-",
                    "fields": [
                        {"type": "fieldAccess", "fieldName": "revenue"},
                        {"type": "fieldAccess", "fieldName": "cost"},
                    ],
                },
                {
                    "type": "arithmetic",
                    "name": "margin_pct",
                    "fn": "/",
                    "fields": [
                        {"type": "fieldAccess", "fieldName": "margin"},
                        {"type": "fieldAccess", "fieldName": "revenue"},
                    ],
                },
            ],
            "having": {
                "type": "and",
                "havingSpecs": [
                    {"type": "greaterThan", "aggregation": "lines", "value": 10},
                    {
                        "type": "not",
                        "havingSpec": {
                            "type": "dimSelector",
                            "dimension": "branch",
                            "value": "Mombasa",
                        },
                    },
                ],
            },
            "limitSpec": {
                "type": "default",
                "limit": 12,
                "offset": 2,
                "columns": [
                    {"dimension": "margin", "direction": "descending"},
                ],
            },
        },
    )
    got = [
        [
            e["event"][k]
            for k in ("branch", "item", "revenue", "cost", "lines", "margin", "margin_pct")
        ]
        for e in result
    ]
    assert {e["timestamp"] for e in result} == {"2024-01-01T00:00:00.000Z"}
    expected = sql(
        url,
        "SELECT branch, product, SUM(revenue) AS revenue, SUM(cost) AS cost, COUNT(*) AS lines, "
        "SUM(revenue) - SUM(cost) AS margin, (SUM(revenue) - SUM(cost)) / SUM(revenue) "
        f"FROM {DS} WHERE units >= 2 GROUP BY 1, 2 "
        "HAVING COUNT(*) > 10 AND branch <> 'Mombasa' ORDER BY margin DESC LIMIT 12 OFFSET 2",
    )
    assert close(got) == close(expected)
    assert len(got) == 12


def test_group_by_month_as_arrays_sorted_like_druid(http: httpx.Client, url: str) -> None:
    result = native(
        http,
        {
            "queryType": "groupBy",
            "granularity": "month",
            "intervals": [INTERVALS],
            "dimensions": ["branch"],
            "aggregations": [{"type": "longSum", "name": "units", "fieldName": "units"}],
            "context": {"resultAsArray": True},
        },
    )
    expected = sql(
        url,
        f"SELECT TIMESTAMP_TO_MILLIS(TIME_FLOOR(__time, 'P1M')), branch, SUM(units) FROM {DS} "
        "GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert result == expected


def test_scan_equals_sql(pydruid: PyDruid, url: str) -> None:
    result = pydruid.scan(
        datasource=DS,
        intervals="2024-02-10/2024-02-12",
        columns=["__time", "branch", "units", "revenue"],
        filter=Filter(type="in", dimension="branch", values=["Nairobi", "Eldoret"]),
        order="descending",
        limit=40,
    ).result
    got = [
        [e["__time"], e["branch"], e["units"], e["revenue"]] for b in result for e in b["events"]
    ]
    expected = sql(
        url,
        f"SELECT TIMESTAMP_TO_MILLIS(__time), branch, units, revenue FROM {DS} "
        "WHERE branch IN ('Nairobi', 'Eldoret') AND __time >= TIMESTAMP '2024-02-10' "
        "AND __time < TIMESTAMP '2024-02-12' ORDER BY __time DESC LIMIT 40",
    )
    assert [g[0] for g in got] == [e[0] for e in expected]
    assert sorted(got) == sorted(expected)  # rows of one millisecond may come in any order


def test_search_equals_sql(http: httpx.Client, url: str) -> None:
    result = native(
        http,
        {
            "queryType": "search",
            "granularity": "all",
            "intervals": [INTERVALS],
            "searchDimensions": ["branch", "product"],
            "query": {"type": "insensitive_contains", "value": "O"},
            "sort": {"type": "lexicographic"},
        },
    )
    (only,) = result
    got = sorted([r["dimension"], r["value"], r["count"]] for r in only["result"])
    expected = sql(
        url,
        f"SELECT 'branch', branch, COUNT(*) FROM {DS} WHERE LOWER(branch) LIKE '%o%' GROUP BY 2 "
        f"UNION ALL SELECT 'product', product, COUNT(*) FROM {DS} "
        "WHERE LOWER(product) LIKE '%o%' GROUP BY 2",
    )
    assert got == sorted(expected)
    assert [r["value"] for r in only["result"]] == sorted(r["value"] for r in only["result"])


def test_time_boundary_equals_sql(pydruid: PyDruid, http: httpx.Client, url: str) -> None:
    ((low, high),) = sql(url, f"SELECT MIN(__time), MAX(__time) FROM {DS}")
    result = pydruid.time_boundary(datasource=DS).result
    assert result == [{"timestamp": low, "result": {"minTime": low, "maxTime": high}}]
    ((latest,),) = sql(url, f"SELECT MAX(__time) FROM {DS} WHERE branch = 'Kisumu' AND units = 3")
    filtered = native(
        http,
        {
            "queryType": "timeBoundary",
            "bound": "maxTime",
            "filter": {
                "type": "and",
                "fields": [
                    {"type": "selector", "dimension": "branch", "value": "Kisumu"},
                    {
                        "type": "equals",
                        "column": "units",
                        "matchValueType": "LONG",
                        "matchValue": 3,
                    },
                ],
            },
        },
    )
    assert filtered == [{"timestamp": latest, "result": {"maxTime": latest}}]


def test_segment_metadata_equals_sql(pydruid: PyDruid, url: str) -> None:
    segments = pydruid.segment_metadata(datasource=DS, intervals=INTERVALS).result
    per_month = sql(
        url,
        f"SELECT TIME_FLOOR(__time, 'P1M'), COUNT(*), COUNT(DISTINCT customer) FROM {DS} "
        "GROUP BY 1 ORDER BY 1",
    )
    assert [
        [s["intervals"][0].split("/")[0], s["numRows"], s["columns"]["customer"]["cardinality"]]
        for s in segments
    ] == per_month
    assert all(s["columns"]["customer"]["hasNulls"] for s in segments)


def test_data_source_metadata_equals_sql(http: httpx.Client, url: str) -> None:
    ((latest,),) = sql(url, f"SELECT MAX(__time) FROM {DS}")
    assert native(http, {"queryType": "dataSourceMetadata"}) == [
        {"timestamp": latest, "result": {"maxIngestedEventTime": latest}}
    ]
