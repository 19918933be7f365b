"""Druid SQL answers compared with the same computation done directly in Polars: time buckets in
UTC and other zones (including a DST change), inclusive/exclusive bounds, parameters, aggregates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

DS = "sales_cmp"


def _frame() -> pl.DataFrame:
    rng = random.Random(42)
    start = datetime(2023, 12, 25)
    rows = []
    for i in range(3000):
        at = start + timedelta(
            minutes=rng.randrange(0, 60 * 24 * 120)
        )  # to late April (US DST in March)
        amount = round(rng.uniform(-50, 500), 2)
        rows.append(
            {
                "__time": at,
                "branch": rng.choice(["Nairobi", "Mombasa", "Kisumu"]),
                "customer": f"c{rng.randrange(80)}",
                "invoice_id": f"i{i // 3}",
                "gross_revenue": max(amount, 0.0),
                "returns_value": min(amount, 0.0),
                "cost": None if i % 7 == 0 else round(abs(amount) * 0.6, 2),
            }
        )
    # the edges that matter for bounds
    for at in (
        datetime(2024, 1, 2),
        datetime(2024, 1, 2, 23, 59, 59, 999000),
        datetime(2024, 1, 3),
    ):
        rows.append(
            {
                "__time": at,
                "branch": "Edge",
                "customer": "edge",
                "invoice_id": "edge",
                "gross_revenue": 1.0,
                "returns_value": 0.0,
                "cost": 0.5,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"__time": pl.Datetime("ms")})


@pytest.fixture(scope="module")
def data(druid: Any, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    frame = _frame()
    path = tmp_path_factory.mktemp("cmp") / "sales.parquet"
    frame.write_parquet(path)
    body = {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": DS,
                "timestampSpec": {"column": "__time", "format": "auto"},
                "dimensionsSpec": {"dimensions": ["branch", "customer", "invoice_id"]},
                "metricsSpec": [
                    {"type": "doubleSum", "name": m, "fieldName": m}
                    for m in ("gross_revenue", "returns_value", "cost")
                ],
                "granularitySpec": {
                    "segmentGranularity": "month",
                    "queryGranularity": "none",
                    "rollup": False,
                },
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "files": [str(path)]},
                "inputFormat": {"type": "parquet"},
            },
            "tuningConfig": {"type": "index_parallel", "maxParseExceptions": 0},
        },
    }
    assert druid.run(body)["statusCode"] == "SUCCESS"
    return frame


def _iso(moment: datetime, zone: str = "UTC") -> str:
    if zone == "UTC":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    offset = moment.strftime("%z")
    return (
        moment.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}"
        + (f"{offset[:3]}:{offset[3:]}" if offset not in ("+0000",) else "Z")
    )


def _buckets(frame: pl.DataFrame, every: str, zone: str = "UTC") -> list[list[Any]]:
    local = frame.with_columns(
        pl.col("__time").dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    )
    grouped = (
        local.group_by(pl.col("__time").dt.truncate(every).alias("b"))
        .agg(pl.col("gross_revenue").sum().round(4), pl.len())
        .sort("b")
    )
    return [[_iso(b, zone), g, n] for b, g, n in grouped.iter_rows()]


def _answer(rows: list[list[Any]]) -> list[list[Any]]:
    return [[b, round(g, 4), n] for b, g, n in rows]


@pytest.mark.parametrize(
    ("period", "every"),
    [("PT1H", "1h"), ("P1D", "1d"), ("P1W", "1w"), ("P1M", "1mo"), ("P3M", "1q"), ("P1Y", "1y")],
)
@pytest.mark.parametrize("zone", ["UTC", "Africa/Nairobi", "America/New_York"])
def test_time_floor_buckets_match_polars(
    druid: Any, data: pl.DataFrame, period: str, every: str, zone: str
) -> None:
    rows = druid.sql(
        f"SELECT TIME_FLOOR(__time, '{period}') AS b, SUM(gross_revenue) AS g, COUNT(*) AS n "
        f"FROM {DS} GROUP BY 1 ORDER BY 1",
        resultFormat="array",
        context={"sqlTimeZone": zone},
    )
    assert _answer(rows) == _buckets(data, every, zone)


def test_time_floor_with_explicit_zone_returns_utc_instants(druid: Any, data: pl.DataFrame) -> None:
    rows = druid.sql(
        f"SELECT TIME_FLOOR(__time, 'P1D', NULL, 'America/New_York') AS b, "
        f"SUM(gross_revenue) AS g, COUNT(*) AS n FROM {DS} GROUP BY 1 ORDER BY 1",
        resultFormat="array",
    )
    local = _buckets(data, "1d", "America/New_York")
    expected = [
        [
            _iso(
                datetime.fromisoformat(b.replace("Z", "+00:00"))
                .astimezone(UTC)
                .replace(tzinfo=None)
            ),
            g,
            n,
        ]
        for b, g, n in local
    ]
    assert _answer(rows) == expected
    assert {b[11:] for b, _, _ in rows} == {
        "05:00:00.000Z",
        "04:00:00.000Z",
    }  # EST and EDT midnights


@pytest.mark.parametrize("zone", ["UTC", "Africa/Nairobi"])
def test_half_open_and_between_bounds_match_polars(
    druid: Any, data: pl.DataFrame, zone: str
) -> None:
    utc_start = datetime(2024, 1, 2) - (
        timedelta(hours=3) if zone == "Africa/Nairobi" else timedelta()
    )
    utc_end = utc_start + timedelta(days=1)
    half_open = data.filter((pl.col("__time") >= utc_start) & (pl.col("__time") < utc_end)).height
    closed = data.filter((pl.col("__time") >= utc_start) & (pl.col("__time") <= utc_end)).height
    ctx = {"sqlTimeZone": zone}
    q1 = druid.sql(
        f"SELECT COUNT(*) AS n FROM {DS} WHERE __time >= ? AND __time < ?",
        ("TIMESTAMP", "2024-01-02 00:00:00"),
        ("TIMESTAMP", "2024-01-03 00:00:00"),
        context=ctx,
    )
    q2 = druid.sql(
        f"SELECT COUNT(*) AS n FROM {DS} WHERE __time BETWEEN TIMESTAMP '2024-01-02 00:00:00' "
        "AND TIMESTAMP '2024-01-03 00:00:00'",
        context=ctx,
    )
    q3 = druid.sql(
        f"SELECT COUNT(*) AS n FROM {DS} WHERE TIME_IN_INTERVAL(__time, '2024-01-02/2024-01-03')",
        context=ctx,
    )
    assert (q1[0]["n"], q2[0]["n"], q3[0]["n"]) == (half_open, closed, half_open)
    assert closed == half_open + (1 if zone == "UTC" else 0)


def test_overview_kpis_match_polars(druid: Any, data: pl.DataFrame) -> None:
    sql = (
        f"SELECT SUM(gross_revenue) + SUM(returns_value) AS net_sales, SUM(cost) AS cost, "
        f"COUNT(DISTINCT invoice_id) AS transactions, COUNT(DISTINCT customer) AS customers "
        f"FROM {DS} WHERE __time >= ? AND __time < ? AND branch IN (?, ?)"
    )
    rows = druid.sql(
        sql,
        ("TIMESTAMP", "2024-01-01 00:00:00"),
        ("TIMESTAMP", "2024-02-01 00:00:00"),
        ("VARCHAR", "Nairobi"),
        ("VARCHAR", "Kisumu"),
        # as query-api sends it: Druid refuses two exact distinct counts without grouping sets
        context={"useApproximateCountDistinct": False, "useGroupingSetForExactDistinct": True},
    )
    sel = data.filter(
        (pl.col("__time") >= datetime(2024, 1, 1))
        & (pl.col("__time") < datetime(2024, 2, 1))
        & pl.col("branch").is_in(["Nairobi", "Kisumu"])
    )
    got = rows[0]
    assert got["net_sales"] == pytest.approx(
        sel["gross_revenue"].sum() + sel["returns_value"].sum()
    )
    assert got["cost"] == pytest.approx(sel["cost"].sum())
    assert got["transactions"] == sel["invoice_id"].n_unique()
    assert got["customers"] == sel["customer"].n_unique()


def test_aggregates_filters_earliest_latest(druid: Any, data: pl.DataFrame) -> None:
    rows = druid.sql(
        f"SELECT branch, COUNT(*) FILTER (WHERE gross_revenue > 100) AS big, "
        f"SUM(gross_revenue) FILTER (WHERE branch = 'nowhere') AS none_sum, "
        f"COUNT(*) FILTER (WHERE branch = 'nowhere') AS none_count, "
        f"EARLIEST(customer) AS first_c, LATEST(customer) AS last_c, "
        f"EARLIEST_BY(customer, __time) AS first_by, APPROX_COUNT_DISTINCT(customer) AS approx, "
        f"ANY_VALUE(branch) AS anyb FROM {DS} WHERE branch <> 'Edge' "
        "GROUP BY branch ORDER BY branch"
    )
    for row in rows:
        part = data.filter(pl.col("branch") == row["branch"]).sort("__time")
        assert row["big"] == part.filter(pl.col("gross_revenue") > 100).height
        assert (row["none_sum"], row["none_count"]) == (None, 0)
        assert row["first_c"] == part["customer"][0] == row["first_by"]
        assert row["last_c"] == part["customer"][-1]
        assert abs(row["approx"] - part["customer"].n_unique()) <= 2
        assert row["anyb"] == row["branch"]


def test_time_functions(druid: Any, data: pl.DataFrame) -> None:
    row = druid.sql(
        "SELECT TIME_FORMAT(TIMESTAMP '2024-03-05 07:08:09', 'dd/MM/yyyy HH:mm') AS f, "
        "TIME_FORMAT(TIMESTAMP '2024-03-05 07:08:09') AS iso, "
        "TIME_PARSE('05/03/2024', 'dd/MM/yyyy') AS p, "
        "TIME_PARSE('2024-03-05T10:00:00+03:00') AS pz, TIME_PARSE('garbage') AS bad, "
        "TIME_EXTRACT(TIMESTAMP '2024-03-05 07:08:09', 'DOW') AS dow, "
        "TIME_EXTRACT(TIMESTAMP '2024-03-05 07:08:09', 'HOUR', 'Africa/Nairobi') AS h, "
        "EXTRACT(YEAR FROM TIMESTAMP '2024-03-05 07:08:09') AS y, "
        "TIME_SHIFT(TIMESTAMP '2024-03-31 00:00:00', 'P1M', -1) AS shifted, "
        "TIME_CEIL(TIMESTAMP '2024-03-05 07:08:09', 'P1D') AS ceil, "
        "MILLIS_TO_TIMESTAMP(1704067200000) AS m2t, "
        "TIMESTAMP_TO_MILLIS(TIMESTAMP '2024-01-01 00:00:00') AS t2m, "
        "DATE_TRUNC('month', TIMESTAMP '2024-03-05 07:08:09') AS dt, "
        "FLOOR(TIMESTAMP '2024-03-05 07:08:09' TO HOUR) AS fl, "
        "TIMESTAMPADD(DAY, 2, TIMESTAMP '2024-03-05 00:00:00') AS added"
    )
    assert row == [
        {
            "f": "05/03/2024 07:08",
            "iso": "2024-03-05T07:08:09.000Z",
            "p": "2024-03-05T00:00:00.000Z",
            "pz": "2024-03-05T07:00:00.000Z",
            "bad": None,
            "dow": 2,
            "h": 10,
            "y": 2024,
            "shifted": "2024-02-29T00:00:00.000Z",
            "ceil": "2024-03-06T00:00:00.000Z",
            "m2t": "2024-01-01T00:00:00.000Z",
            "t2m": 1704067200000,
            "dt": "2024-03-01T00:00:00.000Z",
            "fl": "2024-03-05T07:00:00.000Z",
            "added": "2024-03-07T00:00:00.000Z",
        }
    ]


def test_session_time_zone_shifts_results_like_druid(druid: Any, data: pl.DataFrame) -> None:
    # Druid's SqlResourceTest.testTimestampsInResponseLosAngelesTimeZone: offsets are printed
    rows = druid.sql(
        f"SELECT __time, CAST(__time AS DATE) AS d FROM {DS} WHERE branch = 'Edge' "
        "ORDER BY __time LIMIT 1",
        context={"sqlTimeZone": "America/Los_Angeles"},
    )
    assert rows == [
        {"__time": "2024-01-01T16:00:00.000-08:00", "d": "2024-01-01T00:00:00.000-08:00"}
    ]
    assert druid.sql(
        "SELECT TIMESTAMP_TO_MILLIS(TIMESTAMP '2024-01-01 00:00:00') AS m",
        context={"sqlTimeZone": "Africa/Nairobi"},
    ) == [{"m": 1704056400000}]


def test_write_statements_and_unknown_objects_are_invalid_input(
    druid: Any, data: pl.DataFrame
) -> None:
    for query, message in [
        (f"INSERT INTO {DS} SELECT * FROM {DS}", "INSERT"),
        (f"DELETE FROM {DS}", "DELETE"),
        ("DROP TABLE x", "DROP"),
        ("SELECT * FROM missing_ds", "Object 'missing_ds' not found"),
        (f"SELECT nope FROM {DS}", "Column 'nope' not found"),
        ("SELECT * FROM read_csv('/etc/passwd')", "Unsupported"),
        ("SELECT getenv('HOME')", "No match found"),
        ("SELECT * FROM olap_meta.tasks", "not found"),
        ("SELEC 1", "syntax"),
    ]:
        response = druid.sql_error(query)
        assert response.status_code == 400, query
        body = response.json()
        assert (body["error"], body["errorCode"], body["category"]) == (
            "druidException",
            "invalidInput",
            "INVALID_INPUT",
        ), query
        assert message in body["errorMessage"], (query, body)
