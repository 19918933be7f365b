"""Publishing a task's rows in ONE DuckDB transaction, with Druid's replace/append semantics.

docs/druid.md#time-chunks-and-replace: by default (appendToExisting false) the task replaces every
segmentGranularity time chunk it writes to; with appendToExisting the rows are added; with
dropExisting (and intervals) every existing segment fully inside the intervals is dropped too,
even when no new row falls in it. Readers see all of a task's rows or none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from mauzo_olap_lite.catalog import ensure_table
from mauzo_olap_lite.database import META, quote_ident, transaction
from mauzo_olap_lite.ingest.plan import Plan
from mauzo_olap_lite.ingest.stats import RowStats
from mauzo_olap_lite.timeutil.periods import Interval, format_instant

TIME = '"__time"'
# segmentGranularity "all": one chunk for all time (naive UTC bounds)
ETERNITY_START = datetime(1, 1, 1, tzinfo=UTC).replace(tzinfo=None)
ETERNITY_END = datetime(9999, 12, 31, tzinfo=UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Segment:
    id: str
    start: datetime
    end: datetime
    version: str
    partition: int
    rows: int


def publish(
    cur: duckdb.DuckDBPyConnection,
    *,
    datasource: str,
    task_id: str,
    plan: Plan,
    stats: RowStats,
    append: bool,
    drop_existing: bool,
    version: str,
    finish: Callable[[duckdb.DuckDBPyConnection, list[Segment]], None],
) -> list[Segment]:
    """Write the rows, the segment records and (via `finish`) the task's final state atomically."""
    table = quote_ident(datasource)
    with transaction(cur):
        wrap = ensure_table(cur, datasource, plan.columns) if stats.chunks or not append else []
        new_rows = _wrapped(plan.rows_sql(), wrap)
        chunks = _chunk_bounds(cur, plan, list(stats.chunks))
        if not append:
            replace = list(chunks.values())
            if drop_existing:
                replace += _segments_inside(cur, datasource, plan.intervals)
            _replace(cur, datasource, replace)
        counts: dict[datetime, int] = {}
        if chunks and plan.rollup:  # rolled-up rows per chunk are counted after grouping
            cur.execute(f"CREATE OR REPLACE TEMP TABLE __olap_rows AS {new_rows}")
            cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM __olap_rows")
            rows = cur.execute(
                f"SELECT {plan.chunk_sql(TIME)} AS c, count(*) FROM __olap_rows GROUP BY 1"
            ).fetchall()
            counts = {r[0]: r[1] for r in rows}
            cur.execute("DROP TABLE __olap_rows")
        elif chunks:  # one pass straight from the input into the table
            cur.execute(f"INSERT INTO {table} BY NAME {new_rows}")
            counts = dict(stats.chunks)
        segments = _record_segments(cur, datasource, task_id, chunks, counts, append, version, plan)
        finish(cur, segments)
    return segments


def _wrapped(rows: str, names: list[str]) -> str:
    """Single values appended to a multi-value column become one-value lists."""
    if not names:
        return rows
    refs = [quote_ident(n) for n in names]
    lists = ", ".join(f"CASE WHEN {r} IS NOT NULL THEN [{r}] END AS {r}" for r in refs)
    return f"SELECT * REPLACE ({lists}) FROM ({rows})"


def _chunk_bounds(
    cur: duckdb.DuckDBPyConnection, plan: Plan, starts: list[datetime]
) -> dict[datetime, Interval]:
    if not starts:
        return {}
    if plan.segment_granularity.kind == "all":
        eternity = Interval(ETERNITY_START, ETERNITY_END)
        return dict.fromkeys(starts, eternity)
    rows = cur.execute(
        f"SELECT s, {plan.segment_granularity.end_sql('s')} FROM "
        "(SELECT unnest(?::TIMESTAMP[]) AS s)",
        [starts],
    ).fetchall()
    return {r[0]: Interval(r[0], r[1]) for r in rows}


def _segments_inside(
    cur: duckdb.DuckDBPyConnection, datasource: str, intervals: list[Interval]
) -> list[Interval]:
    rows = cur.execute(
        f"SELECT start_ts, end_ts FROM {META}.segments WHERE datasource = ? AND used",
        [datasource],
    ).fetchall()
    found = [Interval(r[0], r[1]) for r in rows]
    return [s for s in found if any(i.contains(s) for i in intervals)]


def _replace(cur: duckdb.DuckDBPyConnection, datasource: str, intervals: list[Interval]) -> None:
    """Drop the rows and retire the segments of every replaced chunk (set-based: one statement
    each, however many chunks)."""
    if not intervals:
        return
    exists = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name = ?",
        [datasource],
    ).fetchone()
    bounds = [[i.start for i in intervals], [i.end for i in intervals]]
    spans = "(SELECT unnest(?::TIMESTAMP[]) AS s, unnest(?::TIMESTAMP[]) AS e) AS sp"
    if exists and exists[0]:
        cur.execute(
            f"DELETE FROM {quote_ident(datasource)} AS t USING {spans} "
            'WHERE t."__time" >= sp.s AND t."__time" < sp.e',
            bounds,
        )
    cur.execute(
        f"UPDATE {META}.segments AS g SET used = FALSE FROM {spans} "
        "WHERE g.datasource = ? AND g.used AND g.start_ts >= sp.s AND g.end_ts <= sp.e",
        [*bounds, datasource],
    )


def _record_segments(
    cur: duckdb.DuckDBPyConnection,
    datasource: str,
    task_id: str,
    chunks: dict[datetime, Interval],
    counts: dict[datetime, int],
    append: bool,
    version: str,
    plan: Plan,
) -> list[Segment]:
    dims = ",".join(c.name for c in plan.columns if c.role == "dimension")
    metrics = ",".join(c.name for c in plan.columns if c.role == "metric")
    latest: dict[tuple[datetime, datetime], tuple[str, int]] = {}
    if append:  # appended segments join the chunk's latest version with the next partition number
        rows = cur.execute(
            f"SELECT start_ts, end_ts, max(version), max(partition_num) FROM {META}.segments "
            "WHERE datasource = ? AND used GROUP BY 1, 2",
            [datasource],
        ).fetchall()
        latest = {(r[0], r[1]): (str(r[2]), int(r[3]) + 1) for r in rows}
    segments = []
    for start, interval in sorted(chunks.items()):
        seg_version, partition = latest.get((interval.start, interval.end), (version, 0))
        bounds = f"{format_instant(interval.start)}_{format_instant(interval.end)}"
        seg_id = f"{datasource}_{bounds}_{seg_version}" + (f"_{partition}" if partition else "")
        segments.append(
            Segment(
                seg_id, interval.start, interval.end, seg_version, partition, counts.get(start, 0)
            )
        )
    if segments:  # one statement with array parameters, however many chunks
        cur.execute(
            f"INSERT INTO {META}.segments SELECT unnest(?::VARCHAR[]), ?, unnest(?::TIMESTAMP[]), "
            "unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]), ?, "
            "unnest(?::BIGINT[]), unnest(?::BIGINT[]) * 64, TRUE, ?, ?",
            [
                [g.id for g in segments],
                datasource,
                [g.start for g in segments],
                [g.end for g in segments],
                [g.version for g in segments],
                [g.partition for g in segments],
                task_id,
                [g.rows for g in segments],
                [g.rows for g in segments],
                dims,
                metrics,
            ],
        )
    return segments
