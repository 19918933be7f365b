"""The SQL zone conversion agrees with the tz database (zoneinfo) for any instant."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_olap_lite.timeutil.zones import local_to_utc_sql, utc_to_local_sql

ZONES = [
    "Africa/Nairobi",
    "America/New_York",
    "Asia/Kolkata",
    "Europe/London",
    "Australia/Lord_Howe",
]


@given(
    st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2080, 1, 1)),
    st.sampled_from(ZONES),
)
@settings(max_examples=50, deadline=None)
def test_utc_to_local_matches_zoneinfo(moment: datetime, zone: str) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    got = con.execute(
        f"SELECT {utc_to_local_sql('t', zone)} FROM (SELECT ?::TIMESTAMP AS t)", [moment]
    ).fetchone()[0]  # type: ignore[index]
    expected = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    assert got == expected


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2059, 1, 1)),
    st.sampled_from(ZONES),
)
@settings(max_examples=50, deadline=None)
def test_local_to_utc_inverts_utc_to_local(moment: datetime, zone: str) -> None:
    con = duckdb.connect()
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    back = con.execute(
        f"SELECT {local_to_utc_sql('t', zone)} FROM (SELECT ?::TIMESTAMP AS t)", [local]
    ).fetchone()[0]  # type: ignore[index]
    # unique wall times map back exactly; an ambiguous one (DST overlap) maps to one of its two
    assert (
        back == moment
        or back.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) == local
    )
