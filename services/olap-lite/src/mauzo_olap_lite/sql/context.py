"""The SQL query context (docs/druid.md#query-context) and how TIMESTAMP values move between zones.

olap-lite follows Calcite/Druid's model: inside a query every TIMESTAMP is wall-clock time in the
session zone (`sqlTimeZone`, default UTC). `__time` is stored as a naive UTC instant, so tables
are read through a view that shifts it into the session zone when the zone is not UTC; TIMESTAMP
literals and parameters are already session-local; results are printed as the instant with the
zone's offset ("Z" in UTC), exactly like Druid's SqlResourceTest expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mauzo_olap_lite.errors import invalid_input
from mauzo_olap_lite.timeutil.zones import local_to_utc_sql, utc_to_local_sql

UTC_NAMES = {"UTC", "ETC/UTC", "Z", "GMT", "ETC/GMT", "+00:00", "UCT"}
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True)
class QueryContext:
    time_zone: str = "UTC"
    exact_count_distinct: bool = False
    grouping_set_for_exact_distinct: bool = False
    timeout_ms: int | None = None
    query_id: str | None = None

    @property
    def is_utc(self) -> bool:
        return self.time_zone.upper() in UTC_NAMES


def zone_name(value: str) -> str:
    """A zone DuckDB's timezone() understands: IANA names, or ±HH:MM as a fixed Etc/GMT offset."""
    if value.upper() in UTC_NAMES:
        return "UTC"
    match = _OFFSET.match(value)
    if match:
        sign, hours, minutes = match.groups()
        if minutes != "00":
            raise invalid_input(f"Time zone [{value}] with minutes is not supported")
        flipped = "-" if sign == "+" else "+"  # POSIX Etc/GMT names are inverted
        return f"Etc/GMT{flipped}{int(hours)}"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid_input(f"Invalid time zone [{value}]") from exc
    return value


def zone_info(name: str) -> tzinfo:
    return UTC if name == "UTC" else ZoneInfo(name)


def parse_context(raw: dict[str, Any] | None, default_timeout_ms: int) -> QueryContext:
    raw = raw or {}
    tz = zone_name(str(raw.get("sqlTimeZone") or "UTC"))
    approx = raw.get("useApproximateCountDistinct", True)
    timeout = raw.get("timeout", default_timeout_ms)
    return QueryContext(
        time_zone=tz,
        exact_count_distinct=str(approx).lower() == "false",
        grouping_set_for_exact_distinct=str(
            raw.get("useGroupingSetForExactDistinct", False)
        ).lower()
        == "true",
        timeout_ms=int(timeout) if timeout is not None else None,
        query_id=str(raw["sqlQueryId"]) if raw.get("sqlQueryId") else None,
    )


def to_utc_sql(expr: str, tz: str) -> str:
    """Session-local naive timestamp -> naive UTC."""
    return local_to_utc_sql(expr, tz)


def from_utc_sql(expr: str, tz: str) -> str:
    """Naive UTC timestamp -> session-local naive."""
    return utc_to_local_sql(expr, tz)


def between_zones_sql(expr: str, source: str, target: str) -> str:
    if source == target:
        return expr
    return utc_to_local_sql(local_to_utc_sql(expr, source), target)


def format_timestamp(value: datetime, tz: tzinfo | None) -> str:
    """Druid's printed form: ISO with milliseconds and the zone offset (Z for UTC)."""
    # isoformat is ~3x faster than strftime (this runs per result value) and pads years to 4 digits
    naive = value if value.tzinfo is None else value.replace(tzinfo=None)
    base = naive.isoformat(timespec="milliseconds")
    if tz is None or tz is UTC:
        return base + "Z"
    offset = value.replace(tzinfo=tz).utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return base + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{base}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
