"""The walking-skeleton path: index_parallel from Parquet (local files), status, reports, SQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

SALES_DIMS = [{"type": "string", "name": n} for n in ("branch", "product", "invoice_id")]
SALES_METRICS = [
    {"type": "doubleSum", "name": m, "fieldName": m} for m in ("gross_revenue", "cost")
]


def sales_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "__time": [
                datetime(2024, 1, 1, 8),
                datetime(2024, 1, 1, 23, 59, 59, 999000),
                datetime(2024, 1, 2, 0),
                datetime(2024, 1, 3, 12, 30),
            ],
            "branch": ["Nairobi", "Mombasa", "Nairobi", None],
            "product": ["tea", "sugar", "tea", "salt"],
            "invoice_id": ["i1", "i2", "i3", "i3"],
            "gross_revenue": [100.5, 20.0, 0.0, 7.25],
            "cost": [None, None, None, None],
        },
        schema_overrides={"__time": pl.Datetime("ms"), "cost": pl.Float64},
    )


def write(tmp_path: Path, frame: pl.DataFrame, name: str = "part-0.parquet") -> Path:
    path = tmp_path / name
    frame.write_parquet(path)
    return path


def test_loads_the_validators_parquet_and_sql_sees_every_row(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    frame = sales_frame()
    path = write(tmp_path, frame)
    task_id = f"mauzo_{unique_name}_abc"
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        dimensions=SALES_DIMS,
        metrics=SALES_METRICS,
        append=True,
        tuning={"maxParseExceptions": 0},
        task_id=task_id,
    )
    assert druid.submit(body) == task_id
    status = druid.wait(task_id)
    assert status["statusCode"] == "SUCCESS"
    assert status["runnerStatusCode"] == "NONE"
    assert status["duration"] >= 0
    assert status["errorMsg"] is None
    assert status["dataSource"] == unique_name
    stats = druid.report(task_id)["rowStats"]["buildSegments"]
    assert stats["processed"] == 4
    assert stats["unparseable"] == stats["processedWithError"] == stats["thrownAway"] == 0
    assert stats["processedBytes"] == path.stat().st_size
    rows = druid.sql(
        f'SELECT __time, branch, gross_revenue, cost FROM "{unique_name}" ORDER BY __time'
    )
    assert rows[1] == {
        "__time": "2024-01-01T23:59:59.999Z",
        "branch": "Mombasa",
        "gross_revenue": 20.0,
        "cost": None,
    }
    total = druid.sql(f'SELECT SUM(gross_revenue) AS g, SUM(cost) AS c FROM "{unique_name}"')
    assert total == [{"g": frame["gross_revenue"].sum(), "c": None}]


def test_int64_millisecond_timestamps_load_with_format_millis(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    frame = pl.DataFrame({"ts": [1704067200000, 1704153600123], "v": [1.0, 2.0]})
    path = write(tmp_path, frame)
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        timestamp={"column": "ts", "format": "millis"},
        metrics=[{"type": "doubleSum", "name": "v", "fieldName": "v"}],
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    rows = druid.sql(f'SELECT __time FROM "{unique_name}" ORDER BY 1', resultFormat="array")
    assert rows == [["2024-01-01T00:00:00.000Z"], ["2024-01-02T00:00:00.123Z"]]


def test_base_dir_and_filter_read_matching_files_recursively(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, sales_frame(), "a.parquet")
    write(tmp_path / "sub", sales_frame(), "b.parquet")
    (tmp_path / "notes.txt").write_text("not parquet")
    body = make_spec(
        unique_name,
        {"type": "local", "baseDir": str(tmp_path), "filter": "*.parquet"},
        dimensions=SALES_DIMS,
        metrics=SALES_METRICS,
    )
    task = druid.submit(body)
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    assert druid.report(task)["rowStats"]["buildSegments"]["processed"] == 8


def test_rollup_merges_rows_with_equal_truncated_time_and_dimensions(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    frame = pl.DataFrame(
        {
            "__time": [
                datetime(2024, 1, 1, 10, 5),
                datetime(2024, 1, 1, 10, 55),
                datetime(2024, 1, 1, 11),
            ],
            "branch": ["A", "A", "A"],
            "qty": [1, 2, 4],
            "amount": [1.5, 2.5, None],
        }
    )
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(write(tmp_path, frame))]},
        dimensions=["branch"],
        metrics=[
            {"type": "count", "name": "count"},
            {"type": "longSum", "name": "qty", "fieldName": "qty"},
            {"type": "doubleSum", "name": "amount", "fieldName": "amount"},
            {"type": "longMax", "name": "qty_max", "fieldName": "qty"},
            {"type": "doubleMin", "name": "amount_min", "fieldName": "amount"},
        ],
        granularity={"segmentGranularity": "day", "queryGranularity": "hour", "rollup": True},
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    rows = druid.sql(f'SELECT * FROM "{unique_name}" ORDER BY __time')
    assert rows == [
        {
            "__time": "2024-01-01T10:00:00.000Z",
            "branch": "A",
            "count": 2,
            "qty": 3,
            "amount": 4.0,
            "qty_max": 2,
            "amount_min": 1.5,
        },
        {
            "__time": "2024-01-01T11:00:00.000Z",
            "branch": "A",
            "count": 1,
            "qty": 4,
            "amount": None,
            "qty_max": 4,
            "amount_min": None,
        },
    ]


def test_rows_outside_the_intervals_are_thrown_away(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(write(tmp_path, sales_frame()))]},
        dimensions=SALES_DIMS,
        metrics=SALES_METRICS,
        granularity={
            "segmentGranularity": "day",
            "rollup": False,
            "intervals": ["2024-01-01/2024-01-02"],
        },
    )
    task = druid.submit(body)
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    stats = druid.report(task)["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["thrownAway"]) == (2, 2)
    assert druid.sql(f'SELECT COUNT(*) AS n FROM "{unique_name}"') == [{"n": 2}]


def bad_times(tmp_path: Path) -> Path:
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "time,branch,amount\n2024-01-01T10:00:00Z,A,1\nnot-a-time,B,2\n,C,3\n"
        "2024-01-02T10:00:00Z,D,abc\n"
    )
    return csv


def test_parse_exceptions_over_the_limit_fail_the_task_and_publish_nothing(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(bad_times(tmp_path))]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": "iso"},
        dimensions=["branch"],
        metrics=[{"type": "doubleSum", "name": "amount", "fieldName": "amount"}],
        tuning={"maxParseExceptions": 0, "maxSavedParseExceptions": 5},
    )
    task = druid.submit(body)
    status = druid.wait(task)
    assert status["statusCode"] == "FAILED"
    assert status["errorMsg"] == "Max parse exceptions[0] exceeded"
    report = druid.report(task)
    stats = report["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["unparseable"], stats["processedWithError"]) == (1, 2, 1)
    events = report["unparseableEvents"]["buildSegments"]
    assert [e["errorType"] for e in events] == ["unparseable", "unparseable", "processedWithError"]
    assert "Timestamp[not-a-time] is unparseable!" in events[0]["details"][0]
    assert druid.http.get("/druid/v2/datasources").json().count(unique_name) == 0


def test_with_the_default_limit_a_task_succeeds_and_counts_bad_rows(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(bad_times(tmp_path))]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": "iso"},
        dimensions=["branch"],
        metrics=[{"type": "doubleSum", "name": "amount", "fieldName": "amount"}],
    )
    task = druid.submit(body)
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    report = druid.report(task)
    assert report["rowStats"]["buildSegments"]["unparseable"] == 2
    assert report["unparseableEvents"] == {}  # maxSavedParseExceptions defaults to 0
    rows = druid.sql(f'SELECT branch, amount FROM "{unique_name}" ORDER BY __time')
    assert rows == [{"branch": "A", "amount": 1.0}, {"branch": "D", "amount": None}]


def test_missing_value_stands_in_for_a_missing_time_column(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    frame = pl.DataFrame({"branch": ["A", "B"]})
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(write(tmp_path, frame))]},
        timestamp={"column": "time", "format": "auto", "missingValue": "2020-05-01T00:00:00Z"},
        dimensions=["branch"],
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    assert druid.sql(f'SELECT DISTINCT __time AS t FROM "{unique_name}"') == [
        {"t": "2020-05-01T00:00:00.000Z"}
    ]


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        ("posix", "1704067200", "2024-01-01T00:00:00.000Z"),
        ("millis", "1704067200123", "2024-01-01T00:00:00.123Z"),
        ("micro", "1704067200123456", "2024-01-01T00:00:00.123Z"),
        ("nano", "1704067200123456789", "2024-01-01T00:00:00.123Z"),
        ("auto", "2024-01-01 05:06:07", "2024-01-01T05:06:07.000Z"),
        ("auto", "1704067200000", "2024-01-01T00:00:00.000Z"),
        ("iso", "2024-01-01T05:06:07+03:00", "2024-01-01T02:06:07.000Z"),
        ("dd/MM/yyyy HH:mm", "05/01/2024 10:30", "2024-01-05T10:30:00.000Z"),
        ("dd/MM/yyyy", "31/12/2023", "2023-12-31T00:00:00.000Z"),
    ],
)
def test_timestamp_formats(
    druid: Any,
    make_spec: Any,
    tmp_path: Path,
    unique_name: str,
    fmt: str,
    value: str,
    expected: str,
) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text(f'time,x\n"{value}",1\n')
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(csv)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": fmt},
        dimensions=["x"],
        tuning={"maxParseExceptions": 0},
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    assert druid.sql(f'SELECT __time AS t FROM "{unique_name}"') == [{"t": expected}]


def test_typed_dimensions_keep_their_types(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    csv = tmp_path / "typed.csv"
    csv.write_text('time,store,price,ratio,name\n2024-01-01,7,2.5,0.5,"a"\n2024-01-01,,,,""\n')
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(csv)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": "auto"},
        dimensions=[
            {"type": "long", "name": "store"},
            {"type": "double", "name": "price"},
            {"type": "float", "name": "ratio"},
            "name",
        ],
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    types = druid.sql(
        "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        ("VARCHAR", unique_name),
        resultFormat="array",
    )
    assert types == [
        ["__time", "TIMESTAMP"],
        ["store", "BIGINT"],
        ["price", "DOUBLE"],
        ["ratio", "FLOAT"],
        ["name", "VARCHAR"],
    ]
    rows = druid.sql(
        f'SELECT store, price, ratio, name FROM "{unique_name}" ORDER BY store NULLS LAST',
        resultFormat="array",
    )
    # CSV: an empty unquoted field is NULL, a quoted "" is the empty string (SQL-compatible mode)
    assert rows == [[7, 2.5, 0.5, "a"], [None, None, None, ""]]


@pytest.mark.parametrize("zone", ["UTC", "Africa/Nairobi", "America/New_York"])
def test_zone_aware_parquet_timestamps_load_as_their_utc_instants(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str, zone: str
) -> None:
    """A time column with a zone (as the validator writes it) is the instant, whatever the zone."""
    instants = [datetime(2024, 3, 10, 6, 59, 59, 999000), datetime(2024, 3, 10, 7, 0, 0, 1000)]
    frame = pl.DataFrame(
        {"__time": instants, "v": [1.0, 2.0]}, schema_overrides={"__time": pl.Datetime("ms")}
    ).with_columns(pl.col("__time").dt.replace_time_zone("UTC").dt.convert_time_zone(zone))
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(write(tmp_path, frame))]},
        metrics=[{"type": "doubleSum", "name": "v", "fieldName": "v"}],
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    rows = druid.sql(f'SELECT __time FROM "{unique_name}" ORDER BY 1', resultFormat="array")
    assert rows == [["2024-03-10T06:59:59.999Z"], ["2024-03-10T07:00:00.001Z"]]
