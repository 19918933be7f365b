"""Whole-day date ranges in the business time zone, as UTC instants, and time buckets.

A range [date_from, date_to] includes both days: it starts at local midnight of date_from and
ends (exclusive) at local midnight of the day after date_to. Local midnights are converted to UTC
with the zone's real offset on that day, so zones with daylight saving are right too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mauzo_query_api.errors import InvalidArgument

MAX_RANGE_DAYS = 366 * 50


class Granularity(enum.Enum):
    DAY = "P1D"
    WEEK = "P1W"
    MONTH = "P1M"
    QUARTER = "P3M"
    YEAR = "P1Y"


def business_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown business time zone {name!r}") from exc


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class DateWindow:
    """An inclusive range of local days; `start`/`end` are the UTC bounds (end exclusive)."""

    date_from: date
    date_to: date
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self, zone: ZoneInfo) -> DateWindow:
        """The period of the same number of days that ends the day before this one starts."""
        length = timedelta(days=self.days)
        return window(self.date_from - length, self.date_to - length, zone)


def window(date_from: date, date_to: date, zone: ZoneInfo) -> DateWindow:
    if date_to < date_from:
        raise InvalidArgument(f"dateTo ({date_to}) is before dateFrom ({date_from})")
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise InvalidArgument("the date range is longer than 50 years")
    return DateWindow(
        date_from=date_from,
        date_to=date_to,
        start=local_midnight_utc(date_from, zone),
        end=local_midnight_utc(date_to + timedelta(days=1), zone),
    )


def sql_timestamp(instant: datetime) -> str:
    """Druid's TIMESTAMP parameter text ('yyyy-MM-dd HH:mm:ss', read in UTC)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_olap_timestamp(value: object) -> datetime | None:
    """A TIMESTAMP from a Druid SQL result: an ISO string ('...Z') or epoch milliseconds."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    text = str(value).replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def bucket_floor(day: date, granularity: Granularity) -> date:
    """The local day that starts the bucket holding `day` (weeks start on Monday, as in Druid)."""
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    if granularity is Granularity.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def next_bucket(start: date, granularity: Granularity) -> date:
    if granularity is Granularity.DAY:
        return start + timedelta(days=1)
    if granularity is Granularity.WEEK:
        return start + timedelta(days=7)
    months = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}[granularity]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def buckets(first: date, last: date, granularity: Granularity) -> list[date]:
    """Every bucket start from the one holding `first` to the one holding `last`."""
    out: list[date] = []
    current = bucket_floor(first, granularity)
    while current <= last:
        out.append(current)
        current = next_bucket(current, granularity)
    return out
