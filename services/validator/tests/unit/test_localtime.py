"""Business wall-clock time to UTC: the one-offset shortcut must give the zone database's answer."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_validator.dates import detect_format, parse_times, to_utc
from mauzo_validator.localtime import constant_offset, localise

ZONES = ["Africa/Nairobi", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"]


def by_zone_database(naive: pl.Series, zone: str) -> list[datetime | None]:
    return (
        naive.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .to_list()
    )


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)),
    steps=st.lists(st.integers(min_value=0, max_value=400 * 24 * 60), min_size=1, max_size=60),
)
def test_localise_equals_the_zone_database(zone: str, start: datetime, steps: list[int]) -> None:
    start = start.replace(microsecond=0)
    naive = pl.Series([start + timedelta(minutes=m) for m in steps], dtype=pl.Datetime("ms"))
    assert localise(naive, zone).to_list() == by_zone_database(naive, zone)


def test_a_fixed_zone_has_one_offset_and_a_dst_zone_only_between_changes() -> None:
    assert constant_offset(datetime(2020, 1, 1), datetime(2026, 1, 1), "Africa/Nairobi") == (
        timedelta(hours=3)
    )
    assert constant_offset(datetime(2024, 1, 1), datetime(2024, 12, 31), "America/New_York") is None
    summer = constant_offset(datetime(2024, 4, 1), datetime(2024, 10, 1), "America/New_York")
    assert summer == timedelta(hours=-4)


@pytest.mark.parametrize("zone", ["Africa/Nairobi", "America/New_York"])
def test_parse_times_reads_messy_cells_like_the_full_preparation(zone: str) -> None:
    values = [
        "2024-03-10 01:30:00",
        " 2024-03-10 03:30:00 ",  # spaces: only the full preparation reads it
        "2024-03-10 02:30:00",  # skipped by New York's spring-forward change: no such time
        "2024-11-03 01:30:00.250",  # a fraction, and ambiguous in New York (earliest wins)
        "",
        "NA",
        "not a date",
    ]
    series = pl.Series(values)
    detection = detect_format(series, day_first=False, allow_serial=False)
    assert detection is not None
    expected = pl.DataFrame({"t": values}).select(to_utc(pl.col("t"), detection, zone))
    assert parse_times(series, detection, zone).to_list() == expected.to_series().to_list()


ISO_SHAPES = [
    "%Y-%m-%dT%H:%M:%S{z}",
    "%Y-%m-%d %H:%M:%S{z}",
    "%Y-%m-%dT%H:%M{z}",
    "%Y-%m-%d %H:%M{z}",
    "%Y-%m-%d",
    " %Y-%m-%dT%H:%M:%S.%f{z} ",  # spaces and a fraction: only the full preparation reads them
    "%d/%m/%Y %H:%M",  # no ISO format reads it
]


@settings(max_examples=100, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    values=st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)),
            st.sampled_from(ISO_SHAPES),
            st.sampled_from(["", "+03:00", "-05:30", "Z", "+00:00"]),
        ),
        min_size=1,
        max_size=40,
    ),
)
def test_formats_read_in_turn_give_what_coalescing_them_all_gives(
    zone: str, values: list[tuple[datetime, str, str]]
) -> None:
    """A stream's batch is read with the nine ISO formats one after another, each over what the
    ones before left unread; it must equal reading every value with all of them."""
    from mauzo_validator.stream import ISO

    texts = [when.strftime(shape.format(z=offset)) for when, shape, offset in values]
    series = pl.Series(texts)
    expected = pl.DataFrame({"t": texts}).select(to_utc(pl.col("t"), ISO, zone)).to_series()
    assert parse_times(series, ISO, zone).to_list() == expected.to_list()
