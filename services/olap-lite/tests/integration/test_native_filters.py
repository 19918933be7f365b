"""Druid's filters, aggregators, virtual columns and extraction dimensions in native queries,
each compared with the Druid SQL that means the same, on one real olap-lite process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydruid.db import connect

from mauzo_common.testing.auth import druid_basic, druid_credentials

USER, PASSWORD = druid_credentials()

DS = "native_sales"
INTERVALS = ["2024-01-01/2024-05-01"]

FILTERS: list[tuple[str, dict[str, Any], str]] = [
    (
        "selector",
        {"type": "selector", "dimension": "branch", "value": "Mombasa"},
        "branch = 'Mombasa'",
    ),
    (
        "selector null",
        {"type": "selector", "dimension": "customer", "value": None},
        "customer IS NULL",
    ),
    ("selector on a long", {"type": "selector", "dimension": "units", "value": "3"}, "units = 3"),
    (
        "in",
        {"type": "in", "dimension": "product", "values": ["p01", "p02", "p03"]},
        "product IN ('p01', 'p02', 'p03')",
    ),
    (
        "bound lexicographic",
        {
            "type": "bound",
            "dimension": "product",
            "lower": "p10",
            "upper": "p20",
            "upperStrict": True,
        },
        "product >= 'p10' AND product < 'p20'",
    ),
    (
        "bound numeric",
        {
            "type": "bound",
            "dimension": "revenue",
            "lower": "100",
            "lowerStrict": True,
            "ordering": "numeric",
        },
        "revenue > 100",
    ),
    (
        "range",
        {
            "type": "range",
            "column": "units",
            "matchValueType": "LONG",
            "lower": 2,
            "upper": 5,
            "upperOpen": True,
        },
        "units >= 2 AND units < 5",
    ),
    (
        "equals",
        {"type": "equals", "column": "branch", "matchValueType": "STRING", "matchValue": "Kisumu"},
        "branch = 'Kisumu'",
    ),
    ("null", {"type": "null", "column": "cost"}, "cost IS NULL"),
    ("like", {"type": "like", "dimension": "customer", "pattern": "c1%"}, "customer LIKE 'c1%'"),
    (
        "regex",
        {"type": "regex", "dimension": "product", "pattern": "^p[0-1]7$"},
        "REGEXP_LIKE(product, '^p[0-1]7$')",
    ),
    (
        "search",
        {
            "type": "search",
            "dimension": "branch",
            "query": {"type": "insensitive_contains", "value": "BAS"},
        },
        "LOWER(branch) LIKE '%bas%'",
    ),
    (
        "and/or/not",
        {
            "type": "and",
            "fields": [
                {
                    "type": "or",
                    "fields": [
                        {"type": "selector", "dimension": "branch", "value": "Nairobi"},
                        {"type": "selector", "dimension": "branch", "value": "Eldoret"},
                    ],
                },
                {
                    "type": "not",
                    "field": {"type": "selector", "dimension": "product", "value": "p05"},
                },
            ],
        },
        "(branch = 'Nairobi' OR branch = 'Eldoret') AND product <> 'p05'",
    ),
    (
        "interval",
        {
            "type": "interval",
            "dimension": "__time",
            "intervals": ["2024-02-01T06:00:00Z/2024-02-03T18:00:00Z"],
        },
        "__time >= TIMESTAMP '2024-02-01 06:00:00' AND __time < TIMESTAMP '2024-02-03 18:00:00'",
    ),
    (
        "expression",
        {"type": "expression", "expression": "revenue > units * 60"},
        "revenue > units * 60",
    ),
    ("true", {"type": "true"}, "TRUE"),
]


@pytest.fixture(scope="module")
def url(sales_url: str) -> str:
    return sales_url


@pytest.fixture(scope="module")
def http(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(auth=druid_basic(), base_url=url, timeout=60) as client:
        yield client


def sql(url: str, query: str) -> list[list[Any]]:
    host, port = url.removeprefix("http://").split(":")
    cursor = connect(host, int(port), path="/druid/v2/sql/", user=USER, password=PASSWORD).cursor()
    cursor.execute(query)
    return [list(row) for row in cursor.fetchall()]


def native(http: httpx.Client, query: dict[str, Any]) -> Any:
    response = http.post("/druid/v2/", json={"dataSource": DS, "intervals": INTERVALS, **query})
    assert response.status_code == 200, response.text
    return response.json()


def rounded(values: list[Any]) -> list[Any]:
    return [round(v, 6) if isinstance(v, float) else v for v in values]


@pytest.mark.parametrize(("name", "druid_filter", "where"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filter_matches_the_sql_where(
    http: httpx.Client, url: str, name: str, druid_filter: dict[str, Any], where: str
) -> None:
    (row,) = native(
        http,
        {
            "queryType": "timeseries",
            "granularity": "all",
            "filter": druid_filter,
            "aggregations": [
                {"type": "count", "name": "rows"},
                {"type": "doubleSum", "name": "revenue", "fieldName": "revenue"},
            ],
        },
    )
    ((rows, revenue),) = sql(url, f"SELECT COUNT(*), SUM(revenue) FROM {DS} WHERE {where}")
    assert rounded([row["result"]["rows"], row["result"]["revenue"]]) == rounded([rows, revenue])
    assert rows > 0


AGGREGATORS: list[tuple[dict[str, Any], str]] = [
    ({"type": "count"}, "COUNT(*)"),
    ({"type": "longSum", "fieldName": "units"}, "SUM(units)"),
    ({"type": "doubleSum", "fieldName": "cost"}, "SUM(cost)"),
    ({"type": "floatSum", "fieldName": "revenue"}, "SUM(revenue)"),
    ({"type": "longMin", "fieldName": "units"}, "MIN(units)"),
    ({"type": "longMax", "fieldName": "units"}, "MAX(units)"),
    ({"type": "doubleMin", "fieldName": "revenue"}, "MIN(revenue)"),
    ({"type": "doubleMax", "fieldName": "revenue"}, "MAX(revenue)"),
    ({"type": "doubleFirst", "fieldName": "revenue"}, "EARLIEST(revenue)"),
    ({"type": "doubleLast", "fieldName": "revenue"}, "LATEST(revenue)"),
    ({"type": "stringFirst", "fieldName": "product"}, "EARLIEST(product, 100)"),
    ({"type": "cardinality", "fields": ["customer"]}, "COUNT(DISTINCT customer)"),
    ({"type": "hyperUnique", "fieldName": "product"}, "COUNT(DISTINCT product)"),
    ({"type": "doubleSum", "expression": "revenue - cost"}, "SUM(revenue - cost)"),
    (
        {
            "type": "filtered",
            "filter": {"type": "selector", "dimension": "branch", "value": "Kisumu"},
            "aggregator": {"type": "longSum", "fieldName": "units", "name": "x"},
        },
        "SUM(units) FILTER (WHERE branch = 'Kisumu')",
    ),
]


@pytest.mark.parametrize(("spec", "expression"), AGGREGATORS, ids=[a[1] for a in AGGREGATORS])
def test_aggregator_equals_sql(
    http: httpx.Client, url: str, spec: dict[str, Any], expression: str
) -> None:
    result = native(
        http,
        {
            "queryType": "groupBy",
            "granularity": "all",
            "dimensions": ["branch"],
            "aggregations": [{**spec, "name": "value"}],
        },
    )
    got = [[r["event"]["branch"], r["event"]["value"]] for r in result]
    expected = sql(url, f"SELECT branch, {expression} FROM {DS} GROUP BY 1 ORDER BY 1")
    if spec["type"] == "floatSum":  # a float sum keeps about 7 digits
        assert [g[0] for g in got] == [e[0] for e in expected]
        assert all(abs(g[1] - e[1]) / e[1] < 1e-5 for g, e in zip(got, expected, strict=True))
        return
    assert [rounded(g) for g in got] == [rounded(e) for e in expected]


def test_virtual_column_groups_and_filters_like_sql(http: httpx.Client, url: str) -> None:
    result = native(
        http,
        {
            "queryType": "groupBy",
            "granularity": "all",
            "virtualColumns": [
                {
                    "type": "expression",
                    "name": "band",
                    "expression": "if(revenue > 250, 'high', 'low')",
                    "outputType": "STRING",
                },
                {
                    "type": "expression",
                    "name": "margin",
                    "expression": "revenue - cost",
                    "outputType": "DOUBLE",
                },
            ],
            "dimensions": ["band"],
            "filter": {
                "type": "bound",
                "dimension": "margin",
                "lower": "50",
                "ordering": "numeric",
            },
            "aggregations": [
                {"type": "doubleSum", "name": "margin", "fieldName": "margin"},
                {"type": "count", "name": "rows"},
            ],
        },
    )
    got = [[r["event"]["band"], r["event"]["margin"], r["event"]["rows"]] for r in result]
    expected = sql(
        url,
        "SELECT CASE WHEN revenue > 250 THEN 'high' ELSE 'low' END, SUM(revenue - cost), COUNT(*) "
        f"FROM {DS} WHERE revenue - cost >= 50 GROUP BY 1 ORDER BY 1",
    )
    assert [rounded(g) for g in got] == [rounded(e) for e in expected]


def test_extraction_dimensions_equal_sql(http: httpx.Client, url: str) -> None:
    result = native(
        http,
        {
            "queryType": "groupBy",
            "granularity": "all",
            "dimensions": [
                {
                    "type": "extraction",
                    "dimension": "__time",
                    "outputName": "month",
                    "extractionFn": {
                        "type": "timeFormat",
                        "format": "yyyy-MM",
                        "timeZone": "Africa/Nairobi",
                    },
                },
                {
                    "type": "extraction",
                    "dimension": "branch",
                    "outputName": "initial",
                    "extractionFn": {"type": "substring", "index": 0, "length": 1},
                },
            ],
            "aggregations": [{"type": "count", "name": "rows"}],
        },
    )
    got = [[r["event"]["month"], r["event"]["initial"], r["event"]["rows"]] for r in result]
    expected = sql(
        url,
        "SELECT TIME_FORMAT(__time, 'yyyy-MM', 'Africa/Nairobi'), SUBSTRING(branch, 1, 1), "
        "COUNT(*) "
        f"FROM {DS} GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert got == expected


def test_numeric_dimension_comes_out_as_string_unless_typed(http: httpx.Client) -> None:
    def values(spec: Any) -> list[Any]:
        result = native(
            http,
            {
                "queryType": "groupBy",
                "granularity": "all",
                "dimensions": [spec],
                "aggregations": [{"type": "count", "name": "rows"}],
                "limitSpec": {
                    "type": "default",
                    "limit": 2,
                    "columns": [{"dimension": "units", "dimensionOrder": "numeric"}],
                },
            },
        )
        return [r["event"]["units"] for r in result]

    assert values("units") == ["1", "2"]
    assert values({"type": "default", "dimension": "units", "outputType": "LONG"}) == [1, 2]


def test_unknown_column_reads_as_null(http: httpx.Client, url: str) -> None:
    result = native(
        http,
        {
            "queryType": "groupBy",
            "granularity": "all",
            "dimensions": ["no_such_column"],
            "filter": {"type": "selector", "dimension": "also_missing", "value": None},
            "aggregations": [
                {"type": "count", "name": "rows"},
                {"type": "longSum", "name": "nothing", "fieldName": "ghost"},
            ],
        },
    )
    ((rows,),) = sql(url, f"SELECT COUNT(*) FROM {DS}")
    assert result == [
        {
            "version": "v1",
            "timestamp": "2024-01-01T00:00:00.000Z",
            "event": {"no_such_column": None, "rows": rows, "nothing": None},
        }
    ]
