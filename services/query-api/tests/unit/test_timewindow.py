from datetime import UTC, date, datetime

import pytest

from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.sql.timewindow import (
    Granularity,
    bucket_floor,
    buckets,
    business_zone,
    parse_olap_timestamp,
    sql_timestamp,
    window,
)

NAIROBI = business_zone("Africa/Nairobi")
BERLIN = business_zone("Europe/Berlin")


def test_one_nairobi_day_starts_at_21_utc_the_day_before_and_keeps_the_end_day() -> None:
    span = window(date(2024, 3, 1), date(2024, 3, 1), NAIROBI)
    assert span.start == datetime(2024, 2, 29, 21, tzinfo=UTC)
    assert span.end == datetime(2024, 3, 1, 21, tzinfo=UTC)
    assert span.days == 1


def test_range_includes_both_days() -> None:
    span = window(date(2024, 1, 1), date(2024, 1, 31), NAIROBI)
    assert span.start == datetime(2023, 12, 31, 21, tzinfo=UTC)
    assert span.end == datetime(2024, 1, 31, 21, tzinfo=UTC)
    assert span.days == 31


def test_a_zone_with_daylight_saving_uses_the_offset_of_each_day() -> None:
    # Berlin moves from +01:00 to +02:00 on 2024-03-31: that day has 23 hours.
    span = window(date(2024, 3, 31), date(2024, 3, 31), BERLIN)
    assert span.start == datetime(2024, 3, 30, 23, tzinfo=UTC)
    assert span.end == datetime(2024, 3, 31, 22, tzinfo=UTC)
    summer = window(date(2024, 7, 1), date(2024, 7, 1), BERLIN)
    assert summer.start == datetime(2024, 6, 30, 22, tzinfo=UTC)


def test_previous_period_has_the_same_length_and_ends_the_day_before() -> None:
    span = window(date(2024, 3, 1), date(2024, 3, 31), NAIROBI)
    before = span.previous(NAIROBI)
    assert (before.date_from, before.date_to) == (date(2024, 1, 30), date(2024, 2, 29))
    assert before.end == span.start


def test_rejects_a_range_that_ends_before_it_starts() -> None:
    with pytest.raises(InvalidArgument, match="before"):
        window(date(2024, 3, 2), date(2024, 3, 1), NAIROBI)


def test_druid_timestamp_parameter_is_utc_wall_clock_text() -> None:
    assert sql_timestamp(datetime(2024, 2, 29, 21, tzinfo=UTC)) == "2024-02-29 21:00:00"


@pytest.mark.parametrize(
    "value",
    ["2024-02-29T21:00:00.000Z", "2024-02-29T21:00:00Z", "2024-02-29 21:00:00", 1709240400000],
)
def test_parses_olap_timestamps(value: object) -> None:
    assert parse_olap_timestamp(value) == datetime(2024, 2, 29, 21, tzinfo=UTC)


def test_bucket_floors() -> None:
    day = date(2024, 8, 15)  # a Thursday
    assert bucket_floor(day, Granularity.DAY) == day
    assert bucket_floor(day, Granularity.WEEK) == date(2024, 8, 12)
    assert bucket_floor(day, Granularity.MONTH) == date(2024, 8, 1)
    assert bucket_floor(day, Granularity.QUARTER) == date(2024, 7, 1)
    assert bucket_floor(day, Granularity.YEAR) == date(2024, 1, 1)


def test_buckets_cover_the_range_across_a_year_end() -> None:
    assert buckets(date(2023, 11, 20), date(2024, 1, 3), Granularity.MONTH) == [
        date(2023, 11, 1),
        date(2023, 12, 1),
        date(2024, 1, 1),
    ]
    assert buckets(date(2023, 12, 31), date(2024, 4, 1), Granularity.QUARTER) == [
        date(2023, 10, 1),
        date(2024, 1, 1),
        date(2024, 4, 1),
    ]
