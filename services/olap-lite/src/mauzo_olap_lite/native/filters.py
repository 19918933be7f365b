"""A native query's WHERE: its intervals (on the stored column, so DuckDB prunes row groups by
their time range) and its filter (the Druid filters of ingest.filters, shared with transformSpec).
"""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.ingest.filters import filter_sql
from mauzo_olap_lite.native.errors import bad_query
from mauzo_olap_lite.native.table import TIME, Table
from mauzo_olap_lite.timeutil.periods import Interval, parse_interval


def parse_intervals(raw: Any, required: bool) -> list[Interval] | None:
    """None means eternity (the metadata queries may leave intervals out)."""
    if raw is None:
        if required:
            raise bad_query("Missing required property 'intervals'")
        return None
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, dict):  # {"type": "intervals", "intervals": [...]}
        raw = raw.get("intervals") or []
    if not isinstance(raw, list):
        raise bad_query("intervals must be a list of ISO-8601 intervals")
    try:
        return [parse_interval(str(text)) for text in raw]
    except (ValueError, OverflowError) as exc:
        raise bad_query(str(exc)) from exc


def intervals_sql(intervals: list[Interval] | None, column: str = f'"{TIME}"') -> str:
    if intervals is None:
        return "TRUE"
    parts = [
        f"({column} >= TIMESTAMP '{i.start.isoformat(sep=' ')}' "
        f"AND {column} < TIMESTAMP '{i.end.isoformat(sep=' ')}')"
        for i in intervals
    ]
    return "(" + (" OR ".join(parts) or "FALSE") + ")"


def where_sql(query: dict[str, Any], table: Table, intervals: list[Interval] | None) -> str:
    condition = intervals_sql(intervals)
    raw = query.get("filter")
    if raw is None:
        return condition
    try:
        return f"{condition} AND {filter_sql(raw, table.types)}"
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_query(f"Invalid filter: {exc}") from exc
