"""Row statistics of a task (rowStats.buildSegments) and the parse exceptions it saves."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from mauzo_olap_lite.ingest.plan import TS, Plan


@dataclass
class RowStats:
    processed: int = 0
    processed_bytes: int = 0
    processed_with_error: int = 0
    thrown_away: int = 0
    unparseable: int = 0
    chunks: dict[datetime, int] = field(default_factory=dict)  # chunk start -> stored input rows

    @property
    def parse_exceptions(self) -> int:
        return self.unparseable + self.processed_with_error

    def as_dict(self) -> dict[str, int]:
        return {
            "processed": self.processed,
            "processedBytes": self.processed_bytes,
            "processedWithError": self.processed_with_error,
            "thrownAway": self.thrown_away,
            "unparseable": self.unparseable,
        }


def count_rows(cur: duckdb.DuckDBPyConnection, plan: Plan, processed_bytes: int) -> RowStats:
    """One pass over the columns the counts need (time, filter inputs, numeric conversions)."""
    sql = f"""
        SELECT CASE WHEN {plan.keep} THEN {plan.chunk_sql()} END AS chunk,
               count(*) FILTER (WHERE {TS} IS NULL) AS unparseable,
               count(*) FILTER (WHERE {TS} IS NOT NULL AND NOT ({plan.in_range})) AS thrown,
               count(*) FILTER (WHERE ({plan.keep}) AND ({plan.error})) AS with_error,
               count(*) FILTER (WHERE {plan.keep}) AS kept
        FROM {plan.parsed} GROUP BY 1
    """
    stats = RowStats(processed_bytes=processed_bytes)
    for chunk, unparseable, thrown, with_error, kept in cur.execute(sql).fetchall():
        stats.unparseable += unparseable
        stats.thrown_away += thrown
        stats.processed_with_error += with_error
        stats.processed += kept - with_error
        if chunk is not None:
            stats.chunks[chunk] = kept
    return stats


def parse_exceptions(
    cur: duckdb.DuckDBPyConnection, plan: Plan, limit: int, timestamp_column: str
) -> list[dict[str, Any]]:
    """Druid's ParseExceptionReport entries for up to `limit` bad rows."""
    if limit <= 0:
        return []
    now = int(time.time() * 1000)
    events: list[dict[str, Any]] = []
    queries = (
        ("unparseable", f"{TS} IS NULL"),
        ("processedWithError", f"({plan.keep}) AND ({plan.error})"),
    )
    for error_type, condition in queries:
        left = limit - len(events)
        if left <= 0:
            break
        rel = cur.execute(
            f"SELECT * EXCLUDE ({TS}) FROM {plan.parsed} WHERE {condition} LIMIT {left}"
        )
        names = [d[0] for d in rel.description or []]
        for row in rel.fetchall():
            event = dict(zip(names, row, strict=True))
            text = json.dumps(event, default=str)
            if error_type == "unparseable":
                value = event.get(timestamp_column)
                detail = (
                    f"Unparseable timestamp found! Event: {text}"
                    if value is None
                    else f"Timestamp[{value}] is unparseable! Event: {text}"
                )
            else:
                detail = f"Found unparseable columns in row: [{text}]"
            events.append(
                {
                    "timeOfExceptionMillis": now,
                    "input": text,
                    "errorType": error_type,
                    "details": [detail],
                }
            )
    return events


def rejected_events(lines: list[str], limit: int) -> list[dict[str, Any]]:
    """ParseExceptionReport entries for input lines the reader could not split into fields."""
    now = int(time.time() * 1000)
    return [
        {
            "timeOfExceptionMillis": now,
            "input": line,
            "errorType": "unparseable",
            "details": [f"Unable to parse row [{line}]"],
        }
        for line in lines[: max(limit, 0)]
    ]
