"""The pieces native queries are built from, evaluated in an in-memory DuckDB: granularity
buckets across a DST change, post-aggregator arithmetic, orderings and having specs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pytest

from mauzo_olap_lite.native.errors import NativeQueryError
from mauzo_olap_lite.native.granularity import QueryGranularity
from mauzo_olap_lite.native.having import having_sql
from mauzo_olap_lite.native.ordering import order_term
from mauzo_olap_lite.native.postaggregators import post_aggregates


def value(sql: str) -> Any:
    ((result,),) = duckdb.sql(f"SELECT {sql}").fetchall()
    return result


def test_day_buckets_in_new_york_follow_the_dst_change() -> None:
    granularity = QueryGranularity(
        {"type": "period", "period": "P1D", "timeZone": "America/New_York"}
    )
    starts = list(granularity.buckets(datetime(2024, 3, 9, 5), datetime(2024, 3, 12, 4)))
    # midnight in New York is 05:00 UTC before 10 March and 04:00 UTC after it
    assert starts == [
        datetime(2024, 3, 9, 5),
        datetime(2024, 3, 10, 5),
        datetime(2024, 3, 11, 4),
    ]
    assert [granularity.format(s) for s in starts[1:]] == [
        "2024-03-10T00:00:00.000-05:00",
        "2024-03-11T00:00:00.000-04:00",
    ]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2024-03-10 04:59:59", "2024-03-09 05:00:00"),
        ("2024-03-10 05:00:00", "2024-03-10 05:00:00"),
        ("2024-03-11 03:59:00", "2024-03-10 05:00:00"),
        ("2024-03-11 04:00:00", "2024-03-11 04:00:00"),
    ],
)
def test_bucket_sql_floors_in_the_zone(moment: str, expected: str) -> None:
    granularity = QueryGranularity(
        {"type": "period", "period": "P1D", "timeZone": "America/New_York"}
    )
    floored = value(granularity.bucket_sql(f"TIMESTAMP '{moment}'"))
    assert floored == datetime.fromisoformat(expected)


def test_duration_granularity_counts_from_the_epoch() -> None:
    granularity = QueryGranularity({"type": "duration", "duration": 7_200_000})
    assert value(granularity.bucket_sql("TIMESTAMP '2024-01-01 03:30:00'")) == datetime(
        2024,
        1,
        1,
        2,
    )


def test_unknown_granularity_is_a_bad_query() -> None:
    with pytest.raises(NativeQueryError, match="granularity"):
        QueryGranularity("fortnight")


def test_division_by_zero_is_zero_and_quotient_divides() -> None:
    posts = post_aggregates(
        [
            {
                "type": "arithmetic",
                "name": "ratio",
                "fn": "/",
                "fields": [
                    {"type": "fieldAccess", "fieldName": "a"},
                    {"type": "fieldAccess", "fieldName": "b"},
                ],
            },
            {
                "type": "arithmetic",
                "name": "twice",
                "fn": "*",
                "fields": [
                    {"type": "fieldAccess", "fieldName": "ratio"},
                    {"type": "constant", "value": 2},
                ],
            },
        ],
        ["a", "b"],
        {},
    )
    source = "(SELECT 3 AS a, 0 AS b UNION ALL SELECT 3, 4)"
    rows = duckdb.sql(
        f"SELECT {', '.join(sql for _, sql in posts)} FROM {source} ORDER BY b"
    ).fetchall()
    assert rows == [(0.0, 0.0), (0.75, 1.5)]


def test_orderings_sort_like_druid() -> None:
    values = "(VALUES ('10'), ('9'), (NULL), ('100a'), ('2')) AS t(v)"

    def ordered(ordering: str | None, descending: bool = False) -> list[Any]:
        term = order_term("v", ordering, descending)
        return [r[0] for r in duckdb.sql(f"SELECT v FROM {values} ORDER BY {term}").fetchall()]

    assert ordered(None) == [None, "10", "100a", "2", "9"]
    assert ordered("numeric") == [None, "100a", "2", "9", "10"]
    assert ordered("strlen") == [None, "2", "9", "10", "100a"]
    assert ordered("alphanumeric") == [None, "2", "9", "10", "100a"]
    assert ordered(None, descending=True) == ["9", "2", "100a", "10", None]


def test_having_specs() -> None:
    spec = {
        "type": "or",
        "havingSpecs": [
            {"type": "greaterThan", "aggregation": "n", "value": 5},
            {
                "type": "and",
                "havingSpecs": [
                    {"type": "dimSelector", "dimension": "d", "value": "x"},
                    {
                        "type": "not",
                        "havingSpec": {"type": "lessThan", "aggregation": "n", "value": 2},
                    },
                ],
            },
        ],
    }
    source = "(VALUES ('x', 1), ('x', 3), ('y', 3), ('y', 9)) AS t(d, n)"
    rows = duckdb.sql(f"SELECT d, n FROM {source} WHERE {having_sql(spec)} ORDER BY n").fetchall()
    assert rows == [("x", 3), ("y", 9)]
