"""One micro-batch of Kafka records -> rows + next offsets, in ONE DuckDB transaction.

The records are read with the spec's inputFormat once, into a temporary table (parsing is most of
a batch's cost), then planned, counted and published by the batch-ingestion code (append), so a
streamed row means exactly what the same row means in a batch task. JSON values go to DuckDB as
they are (values.py: a record may hold several objects; one that is not wholly objects is one
unparseable row); other formats' values are lines of a work file. The publish transaction also
stores the next offset of every partition in the batch and adds the row totals: after a crash
either both are there or neither, so each record lands exactly once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.database import transaction
from mauzo_olap_lite.formats.base import rejected_lines
from mauzo_olap_lite.formats.json import JsonFormat
from mauzo_olap_lite.formats.registry import input_format
from mauzo_olap_lite.ingest.plan import TS, Plan, build_plan
from mauzo_olap_lite.ingest.publish import Segment, publish
from mauzo_olap_lite.ingest.stats import count_rows, parse_exceptions
from mauzo_olap_lite.supervisors import columns, store, values
from mauzo_olap_lite.supervisors.spec import SupervisorSpec
from mauzo_olap_lite.timeutil.periods import format_instant

MAX_SAVED_ERRORS = 5
# The batch's rows as the input format reads them: a temporary table, or pyarrow's table of
# them registered under the name (columns.py; DuckDB scans it where it is, without a copy).
ROWS = "__kafka_batch"


@dataclass(frozen=True)
class Record:
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None
    timestamp_ms: int


@dataclass
class BatchResult:
    totals: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # parse exception messages (a few)
    published: bool = False


def ingest_batch(
    cur: duckdb.DuckDBPyConnection,
    spec: SupervisorSpec,
    records: list[Record],
    *,
    write_lock: AbstractContextManager[object],
    task_id: str,
) -> BatchResult:
    positions: dict[int, int] = {}
    for r in records:
        positions[r.partition] = max(positions.get(r.partition, 0), r.offset + 1)
    result = BatchResult()

    def finish(c: duckdb.DuckDBPyConnection, segments: list[Segment]) -> None:
        store.write_offsets(c, spec.datasource, spec.topic, positions)
        store.add_totals(c, spec.id, result.totals)

    fmt = input_format(spec.fmt.value_format)
    bad, size = 0, 0
    if isinstance(fmt, JsonFormat):
        read = load_json_rows(cur, fmt, records, extra=_kafka_fields(spec))
        result.errors += read.errors
        bad, size, empty = read.unparseable, read.value_bytes, read.objects == 0
    else:
        lines = [r.value.replace(b"\n", b" ") for r in records if r.value is not None]
        size, empty = sum(map(len, lines)), not lines
        if lines:
            with tempfile.TemporaryDirectory(prefix="olap-lite-kafka-") as work:
                path = Path(work) / "records"
                path.write_bytes(b"\n".join(lines) + b"\n")
                cur.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS} AS "
                            f"SELECT * FROM {fmt.relation([path], cur)}")  # fmt: skip
    if empty:
        result.totals = {"unparseable": bad}
        with write_lock, transaction(cur):
            finish(cur, [])
        return result
    try:
        plan = build_plan(spec.task, ROWS, cur)
        if spec.late_rejection_ms is not None:  # earlier than the period before now: thrownAway
            cutoff = f"now()::TIMESTAMP - INTERVAL {int(spec.late_rejection_ms)} MILLISECOND"
            plan = _with_cutoff(plan, cutoff)
        stats = count_rows(cur, plan, size)
        rejected = rejected_lines(fmt, cur)
        stats.unparseable += len(rejected)
        result.errors += [f"Unable to parse row [{line}]" for line in rejected[:MAX_SAVED_ERRORS]]
        if stats.parse_exceptions:
            events = parse_exceptions(
                cur, plan, MAX_SAVED_ERRORS, spec.task.spec.data_schema.timestamp_spec.column
            )
            result.errors += [str(e["details"][0]) for e in events]
        result.totals = {
            "processed": stats.processed,
            "processed_with_error": stats.processed_with_error,
            "thrown_away": stats.thrown_away,
            "unparseable": stats.unparseable + bad,
        }
        with write_lock:
            publish(
                cur,
                datasource=spec.datasource,
                task_id=task_id,
                plan=plan,
                stats=stats,
                append=True,
                drop_existing=False,
                version=format_instant(_now()),
                finish=finish,
            )
        result.published = bool(stats.chunks)
    finally:
        forget_rows(cur)
    return result


def load_json_rows(
    cur: duckdb.DuckDBPyConnection,
    fmt: JsonFormat,
    records: list[Record],
    *,
    extra: Callable[[Any], dict[str, Any]] | None = None,
    quick: bool = True,
) -> values.ReadValues:
    """Fill ROWS with the objects of the records as the format reads them, once: counting, the
    parse exceptions and the insert then scan it instead of parsing the records again each time
    (the caller forgets it with `forget_rows`).
    pyarrow reads the batch when it reads exactly what the exact path would (columns.py);
    `quick=False` takes the exact path whatever the records hold."""
    present = [r.value for r in records if r.value is not None]
    plain = quick and extra is None and fmt.discover and not fmt.paths
    table = columns.read(present) if plain else None
    if table is not None:
        cur.register(ROWS, table)
        return values.ReadValues(table.num_rows, 0, [], sum(map(len, present)))
    try:
        read = values.load(cur, records, extra=extra, max_errors=MAX_SAVED_ERRORS)
        if read.objects:
            cur.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS} AS SELECT * FROM "
                        f"{fmt.over(values.relation(), cur)}")  # fmt: skip
        return read
    finally:
        values.drop(cur)


def forget_rows(cur: duckdb.DuckDBPyConnection) -> None:
    cur.unregister(ROWS)  # pyarrow's table, if it was one
    cur.execute(f"DROP TABLE IF EXISTS {ROWS}")


def _kafka_fields(spec: SupervisorSpec) -> Callable[[Any], dict[str, Any]] | None:
    """For the `kafka` inputFormat: the fields it adds to each object of a record."""
    columns = spec.fmt.columns
    if columns is None:
        return None

    def fields(r: Record) -> dict[str, Any]:
        added: dict[str, Any] = {
            columns["timestampColumnName"]: r.timestamp_ms,
            columns["topicColumnName"]: spec.topic,
        }
        if r.key is not None:
            added[columns["keyColumnName"]] = r.key.decode("utf-8", "replace")
        return added

    return fields


def _with_cutoff(plan: Plan, cutoff: str) -> Plan:
    in_range = f"({plan.in_range}) AND {TS} >= {cutoff}"
    return replace(plan, in_range=in_range, keep=f"{TS} IS NOT NULL AND {in_range}")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
