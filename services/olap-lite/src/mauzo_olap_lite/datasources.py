"""Datasource metadata and soft deletion (markUnused), docs/druid.md#metadata-apis."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime
from typing import Any

import duckdb

from mauzo_olap_lite.catalog import columns_of, datasources, drop_if_unused
from mauzo_olap_lite.database import META, Database, quote_ident, transaction
from mauzo_olap_lite.timeutil.periods import Interval, format_instant


def summary(cur: duckdb.DuckDBPyConnection, datasource: str) -> dict[str, Any] | None:
    row = cur.execute(
        f"SELECT count(*), coalesce(sum(size_bytes), 0), min(start_ts), max(end_ts) "
        f"FROM {META}.segments WHERE datasource = ? AND used",
        [datasource],
    ).fetchone()
    if not row or row[0] == 0:
        return None
    count, size, start, end = int(row[0]), int(row[1]), row[2], row[3]
    return {
        "tiers": {"_default_tier": {"segmentCount": count, "size": size, "replicatedSize": size}},
        "segments": {
            "count": count,
            "size": size,
            "replicatedSize": size,
            "minTime": format_instant(start),
            "maxTime": format_instant(end),
        },
    }


def simple_listing(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return [{"name": ds, "properties": summary(cur, ds)} for ds in datasources(cur)]


def roles(cur: duckdb.DuckDBPyConnection, datasource: str) -> dict[str, list[str]]:
    columns = columns_of(cur, datasource) if datasource in datasources(cur) else []
    return {
        "dimensions": [c.name for c in columns if c.role == "dimension"],
        "metrics": [c.name for c in columns if c.role == "metric"],
    }


def mark_unused(
    db: Database, datasource: str, interval: Interval | None, segment_ids: list[str] | None
) -> int:
    """Mark the used segments inside `interval` (or with these ids, or all) unused; their rows
    leave the datasource. Returns numChangedSegments."""
    with db.write_lock, closing(db.cursor()) as cur, transaction(cur):
        rows = cur.execute(
            f"SELECT id, start_ts, end_ts FROM {META}.segments WHERE datasource = ? AND used",
            [datasource],
        ).fetchall()
        chosen = [
            (str(r[0]), r[1], r[2])
            for r in rows
            if (segment_ids is not None and r[0] in segment_ids)
            or (
                segment_ids is None
                and (interval is None or interval.contains(Interval(r[1], r[2])))
            )
        ]
        for seg_id, _, _ in chosen:
            cur.execute(f"UPDATE {META}.segments SET used = FALSE WHERE id = ?", [seg_id])
        _delete_rows(cur, datasource, [(s, e) for _, s, e in chosen])
        drop_if_unused(cur, datasource)
    return len(chosen)


def _delete_rows(
    cur: duckdb.DuckDBPyConnection, datasource: str, spans: list[tuple[datetime, datetime]]
) -> None:
    """Delete the rows of each span no used segment still covers."""
    table_exists = cur.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = ?",
        [datasource],
    ).fetchone()
    if not table_exists or not table_exists[0]:
        return
    for start, end in spans:
        still = cur.execute(
            f"SELECT count(*) FROM {META}.segments WHERE datasource = ? AND used "
            "AND start_ts < ? AND end_ts > ?",
            [datasource, end, start],
        ).fetchone()
        if still and still[0]:
            continue
        cur.execute(
            f'DELETE FROM {quote_ident(datasource)} WHERE "__time" >= ? AND "__time" < ?',
            [start, end],
        )
