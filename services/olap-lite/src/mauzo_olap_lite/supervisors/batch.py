"""One micro-batch of Kafka records -> rows + next offsets, in ONE DuckDB transaction.

The record values are written to a work file and read with the spec's inputFormat once, into a
temporary table (parsing is most of a batch's cost), then planned, counted and published by the
batch-ingestion code (append), so a streamed row means exactly what the same row means in a batch
task. The publish transaction also stores the next offset of every partition in the batch and
adds the row totals: after a crash either both are there or neither, so each record lands exactly
once. Records that cannot be read at all (a JSON value that is not an object) are counted as
unparseable before the format sees them.
"""

from __future__ import annotations

import codecs
import json
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from mauzo_common import json_values
from mauzo_olap_lite.database import transaction
from mauzo_olap_lite.formats.base import rejected_lines
from mauzo_olap_lite.formats.registry import input_format
from mauzo_olap_lite.ingest.plan import TS, Plan, build_plan
from mauzo_olap_lite.ingest.publish import Segment, publish
from mauzo_olap_lite.ingest.stats import count_rows, parse_exceptions
from mauzo_olap_lite.supervisors import store
from mauzo_olap_lite.supervisors.spec import SupervisorSpec
from mauzo_olap_lite.timeutil.periods import format_instant

MAX_SAVED_ERRORS = 5
ROWS = "__kafka_batch"  # the batch's rows as the input format reads them (a temporary table)


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
    lines, bad = _lines(spec, records, result.errors)

    def finish(c: duckdb.DuckDBPyConnection, segments: list[Segment]) -> None:
        store.write_offsets(c, spec.datasource, spec.topic, positions)
        store.add_totals(c, spec.id, result.totals)

    if not lines:
        result.totals = {"unparseable": bad}
        with write_lock, transaction(cur):
            finish(cur, [])
        return result
    fmt = input_format(spec.fmt.value_format)
    with tempfile.TemporaryDirectory(prefix="olap-lite-kafka-") as work:
        path = Path(work) / "records"
        path.write_bytes(b"\n".join(lines) + b"\n")
        # Read once into a table: counting, the parse exceptions and the insert then scan it
        # instead of parsing the records again each time.
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE {ROWS} AS SELECT * FROM {fmt.relation([path], cur)}"
        )
    try:
        plan = build_plan(spec.task, ROWS, cur)
        if spec.late_rejection_ms is not None:  # earlier than the period before now: thrownAway
            cutoff = f"now()::TIMESTAMP - INTERVAL {int(spec.late_rejection_ms)} MILLISECOND"
            plan = _with_cutoff(plan, cutoff)
        stats = count_rows(cur, plan, sum(len(x) for x in lines))
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
        cur.execute(f"DROP TABLE IF EXISTS {ROWS}")
    return result


def _lines(
    spec: SupervisorSpec, records: list[Record], errors: list[str]
) -> tuple[list[bytes], int]:
    """The values as input lines; JSON values are checked (and kafka.* fields added) here."""
    is_json = spec.fmt.value_format.get("type") == "json"
    columns = spec.fmt.columns
    lines: list[bytes] = []
    bad = 0
    for r in records:
        if r.value is None:  # a tombstone carries no row
            continue
        if not is_json:
            lines.append(r.value.replace(b"\n", b" "))
            continue
        try:
            event: Any = json_values.read(r.value)
        except ValueError as exc:
            event, reason = None, str(exc)
        else:
            reason = "not a JSON object"
        if not isinstance(event, dict):
            reason = f"Unable to parse row [{_preview(r.value)}]: {reason}"
            bad += 1
            if len(errors) < MAX_SAVED_ERRORS:
                errors.append(f"{reason} (partition {r.partition}, offset {r.offset})")
            continue
        if columns is None and _one_line(r.value):
            lines.append(r.value)  # nothing to add: no need to write the JSON again
            continue
        if columns is not None:
            event.setdefault(columns["timestampColumnName"], r.timestamp_ms)
            event.setdefault(columns["topicColumnName"], spec.topic)
            if r.key is not None:
                event.setdefault(columns["keyColumnName"], r.key.decode("utf-8", "replace"))
        lines.append(json.dumps(event).encode())
    return lines, bad


def _one_line(value: bytes) -> bool:
    """Whether the value read can be a line of the work file as it is: UTF-8 without a byte
    order mark or a line break (JSON in UTF-16 or spread over lines is written again)."""
    if b"\n" in value or b"\r" in value or value.startswith(codecs.BOM_UTF8):
        return False
    try:
        value.decode()
    except UnicodeDecodeError:
        return False
    return True


def _with_cutoff(plan: Plan, cutoff: str) -> Plan:
    in_range = f"({plan.in_range}) AND {TS} >= {cutoff}"
    return replace(plan, in_range=in_range, keep=f"{TS} IS NOT NULL AND {in_range}")


def _preview(value: bytes) -> str:
    return value[:200].decode("utf-8", "replace")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
