"""ISO periods/intervals, granularities and Joda patterns (property-based where it pays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_olap_lite.ingest.timestamps import timestamp_sql
from mauzo_olap_lite.timeutil.granularity import parse_granularity
from mauzo_olap_lite.timeutil.joda import joda_to_strftime, joda_to_strptime
from mauzo_olap_lite.timeutil.periods import Period, parse_interval, parse_period

moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
)


def test_periods_parse_into_their_parts() -> None:
    assert parse_period("P1D") == Period(days=1)
    assert parse_period("PT15M") == Period(minutes=15)
    assert parse_period("P1Y2M3W4DT5H6M7.5S") == Period(1, 2, 3, 4, 5, 6, 7500)
    assert parse_period("P3M").single_unit() == "quarter"
    for bad in ("P", "PT", "1D", "P1X", "PT1D"):
        with pytest.raises(ValueError, match="Invalid period"):
            parse_period(bad)


def test_intervals_accept_instants_and_periods() -> None:
    interval = parse_interval("2024-01-01/2024-02-01")
    assert (interval.start, interval.end) == (datetime(2024, 1, 1), datetime(2024, 2, 1))
    assert parse_interval("2024-01-31/P1M").end == datetime(2024, 2, 29)
    assert parse_interval("P1D/2024-01-02T00:00:00Z").start == datetime(2024, 1, 1)
    assert parse_interval("2024-01-01T03:00:00+03:00/2024-01-02").start == datetime(2024, 1, 1)
    with pytest.raises(ValueError):
        parse_interval("2024-02-01/2024-01-01")


@given(
    moments, st.sampled_from(["hour", "day", "week", "month", "quarter", "year", "fifteen_minute"])
)
@settings(max_examples=60, deadline=None)
def test_granularity_floor_is_a_bucket_start_containing_the_moment(
    moment: datetime, name: str
) -> None:
    gran = parse_granularity(name, "day")
    con = duckdb.connect()
    start, end = con.execute(
        f"SELECT {gran.floor_sql('t')}, {gran.end_sql(gran.floor_sql('t'))} "
        "FROM (SELECT ?::TIMESTAMP AS t)",
        [moment],
    ).fetchone()  # type: ignore[misc]
    assert start <= moment < end
    if name == "week":
        assert start.weekday() == 0  # ISO weeks start on Monday, like Joda


def test_unknown_granularity_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown granularity"):
        parse_granularity("fortnight", "day")


@pytest.mark.parametrize(
    ("joda", "expected"),
    [
        ("yyyy-MM-dd", "%Y-%m-%d"),
        ("dd/MM/yyyy HH:mm", "%d/%m/%Y %H:%M"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "%Y-%m-%dT%H:%M:%S.%g"),
        ("d MMM yy", "%-d %b %y"),
        ("EEEE, h:mm a", "%A, %-I:%M %p"),
        ("''yyyy''", "'%Y'"),
        ("D", "%-j"),
    ],
)
def test_joda_letters(joda: str, expected: str) -> None:
    assert joda_to_strftime(joda) == expected


@given(
    moments,
    st.sampled_from(
        [
            "yyyy-MM-dd HH:mm:ss",
            "dd/MM/yyyy HH:mm",
            "MM/dd/yyyy",
            "yyyyMMddHHmmss",
            "d MMM yyyy H:mm:ss.SSS",
        ]
    ),
)
@settings(max_examples=80, deadline=None)
def test_joda_format_then_parse_round_trips(moment: datetime, pattern: str) -> None:
    con = duckdb.connect()
    text = con.execute(
        f"SELECT strftime(?::TIMESTAMP, '{joda_to_strftime(pattern)}')", [moment]
    ).fetchone()[0]  # type: ignore[index]
    parsed = con.execute(
        f"SELECT {timestamp_sql('x', 'VARCHAR', pattern)} FROM (SELECT ? AS x)", [text]
    ).fetchone()[0]  # type: ignore[index]
    assert (
        parsed
        == con.execute(f"SELECT strptime(?, '{joda_to_strptime(pattern)}')", [text]).fetchone()[0]
    )  # type: ignore[index]
    assert parsed <= moment < parsed + timedelta(days=1)


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    )
)
@settings(max_examples=80, deadline=None)
def test_auto_format_reads_iso_and_millis(moment: datetime) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    millis = int(moment.timestamp() * 1000)
    expected = datetime.fromtimestamp(millis / 1000, UTC).replace(tzinfo=None)
    for text in (moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"), str(millis)):
        got = con.execute(
            f"SELECT {timestamp_sql('x', 'VARCHAR', 'auto')} FROM (SELECT ? AS x)", [text]
        ).fetchone()[0]  # type: ignore[index]
        assert got == expected, text
