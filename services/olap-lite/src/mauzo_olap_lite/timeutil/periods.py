"""ISO-8601 periods (P1D, PT15M, P3M ...) and intervals ("2024-01-01/2024-02-01", "start/P1M")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_PERIOD = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d{1,3})?)S)?)?$"
)


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    millis: int = 0  # seconds are kept as milliseconds

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    @property
    def fixed_millis(self) -> int:
        """The part of the period with a fixed length (weeks and smaller)."""
        return (
            ((self.weeks * 7 + self.days) * 24 + self.hours) * 60 + self.minutes
        ) * 60_000 + self.millis

    @property
    def is_zero(self) -> bool:
        return self.total_months == 0 and self.fixed_millis == 0

    def single_unit(self) -> str | None:
        """The DuckDB date_trunc unit when the period is exactly one calendar unit."""
        table = {
            Period(years=1): "year",
            Period(months=3): "quarter",
            Period(months=1): "month",
            Period(weeks=1): "week",
            Period(days=1): "day",
            Period(hours=1): "hour",
            Period(minutes=1): "minute",
            Period(millis=1000): "second",
            Period(millis=1): "millisecond",
        }
        return table.get(self)

    def interval_sql(self, steps: int = 1) -> str:
        """A DuckDB INTERVAL literal for `steps` times this period."""
        parts = []
        if self.total_months:
            parts.append(f"INTERVAL '{self.total_months * steps} months'")
        days = self.weeks * 7 + self.days
        if days:
            parts.append(f"INTERVAL '{days * steps} days'")
        micros = ((self.hours * 60 + self.minutes) * 60_000 + self.millis) * 1000
        if micros:
            parts.append(f"INTERVAL '{micros * steps} microseconds'")
        return " + ".join(parts) or "INTERVAL '0 microseconds'"

    def add_to(self, moment: datetime, steps: int = 1) -> datetime:
        months = self.total_months * steps
        if months:
            total = moment.year * 12 + (moment.month - 1) + months
            year, month = divmod(total, 12)
            day = min(moment.day, calendar.monthrange(year, month + 1)[1])
            moment = moment.replace(year=year, month=month + 1, day=day)
        return moment + timedelta(milliseconds=self.fixed_millis * steps)


def parse_period(text: str) -> Period:
    match = _PERIOD.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT"):
        raise ValueError(f"Invalid period[{text}]")
    g = {k: v for k, v in match.groupdict().items() if v is not None}
    seconds = float(g.pop("seconds", "0"))
    values = {k: int(v) for k, v in g.items()}
    return Period(millis=round(seconds * 1000), **values)


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant as a naive UTC datetime; a value without offset is UTC."""
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        value += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        value += "-01"
    value = re.sub(r"T(\d{2})(Z|[+-].*)?$", r"T\1:00\2", value)  # "T05" -> "T05:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@dataclass(frozen=True)
class Interval:
    start: datetime  # inclusive, naive UTC
    end: datetime  # exclusive, naive UTC

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def druid(self) -> str:
        return f"{format_instant(self.start)}/{format_instant(self.end)}"


def parse_interval(text: str) -> Interval:
    if "/" not in text:
        raise ValueError(f"Invalid interval[{text}]: expected start/end")
    left, right = (part.strip() for part in text.split("/", 1))
    if left.upper().startswith("P"):
        end = parse_instant(right)
        start = parse_period(left).add_to(end, -1)
    elif right.upper().startswith("P"):
        start = parse_instant(left)
        end = parse_period(right).add_to(start)
    else:
        start, end = parse_instant(left), parse_instant(right)
    if end < start:
        raise ValueError(f"Invalid interval[{text}]: the end is before the start")
    return Interval(start, end)


def format_instant(moment: datetime) -> str:
    """Druid's ISO form: milliseconds and a Z (UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
