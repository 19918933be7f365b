"""Bucket starts by arithmetic equal the general zone conversion and truncation on every time."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from mauzo_olap_lite.timeutil.buckets import zoned_floor_sql
from mauzo_olap_lite.timeutil.granularity import floor_period_sql
from mauzo_olap_lite.timeutil.periods import parse_period
from mauzo_olap_lite.timeutil.zones import local_to_utc_sql, utc_to_local_sql

# Times every ~7 hours 13 minutes 17.000123 seconds from 1965 to 2065, so that both ends of the
# covered years (1970, 2060) and every hour, weekday and second of a day are crossed.
TIMES = (
    "SELECT TIMESTAMP '1965-01-01 00:00:00.000001' + to_microseconds(i * 25997000123) AS t "
    "FROM range(0, 121500) AS r(i)"
)


def general(period: str, zone: str) -> str:
    local = utc_to_local_sql("t", zone)
    return local_to_utc_sql(floor_period_sql(local, parse_period(period)), zone)


@pytest.mark.parametrize("zone", ["Africa/Nairobi", "UTC", "Asia/Kolkata", "Europe/Berlin"])
@pytest.mark.parametrize("period", ["P1D", "P1W", "PT1H", "PT15M", "PT1S", "PT6H", "P1M"])
def test_bucket_start_equals_the_general_way(period: str, zone: str) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    fast = zoned_floor_sql("t", parse_period(period), None, zone)
    differs = f"({fast}) IS DISTINCT FROM ({general(period, zone)})"
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {differs}) FROM ({TIMES})"
    ).fetchone()
    assert row == (121500, 0)


def test_nairobi_days_are_cut_by_arithmetic_and_others_the_general_way() -> None:
    day = zoned_floor_sql("t", parse_period("P1D"), None, "Africa/Nairobi")
    assert "make_timestamp" in day
    assert "make_timestamp" not in zoned_floor_sql("t", parse_period("P1D"), None, "Europe/Berlin")
    assert "make_timestamp" not in zoned_floor_sql("t", parse_period("P1M"), None, "UTC")
    with_origin = zoned_floor_sql("t", parse_period("P1D"), "2024-01-01 06:00:00", "UTC")
    assert "make_timestamp" not in with_origin


def test_a_nairobi_day_starts_at_21_utc() -> None:
    con = duckdb.connect()
    got = con.execute(
        f"SELECT {zoned_floor_sql('t', parse_period('P1D'), None, 'Africa/Nairobi')} "
        "FROM (SELECT TIMESTAMP '2025-12-02 20:59:59.999999' AS t UNION ALL "
        "SELECT TIMESTAMP '2025-12-02 21:00:00') ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in got] == [datetime(2025, 12, 1, 21), datetime(2025, 12, 2, 21)]
