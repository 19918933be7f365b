"""What one batch task does: fetch inputs, plan, count, check parse limits, publish atomically."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.database import Database
from mauzo_olap_lite.formats.base import rejected_lines
from mauzo_olap_lite.formats.registry import input_format
from mauzo_olap_lite.ingest.plan import build_plan
from mauzo_olap_lite.ingest.publish import Segment, publish
from mauzo_olap_lite.ingest.spec import TaskSpec
from mauzo_olap_lite.ingest.stats import (
    RowStats,
    count_rows,
    parse_exceptions,
    rejected_events,
)
from mauzo_olap_lite.inputs.compression import decompressed
from mauzo_olap_lite.inputs.registry import input_source
from mauzo_olap_lite.settings import OlapLiteSettings


class TaskCancelled(Exception):
    """POST /task/{id}/shutdown arrived."""


class ParseLimitExceeded(Exception):
    """More parse exceptions than tuningConfig.maxParseExceptions allows."""


@dataclass
class Progress:
    """Live state of a running task, for /reports and /log while it runs."""

    state: str = "NOT_STARTED"
    stats: RowStats | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    cancelled: threading.Event = field(default_factory=threading.Event)
    published: bool = False

    def check(self) -> None:
        if self.cancelled.is_set():
            raise TaskCancelled


def held_lock(task: TaskSpec, db: Database) -> AbstractContextManager[object]:
    """What a task holds for its whole run: its datasource's lock when it replaces chunks.

    Like Druid's exclusive time-chunk lock for an overwriting task: a reindex (the `druid` input
    source) reads the rows it then rewrites, and any replacing task publishes rows built before
    an append that lands meanwhile; appends therefore wait (they take the lock to publish).
    """
    if task.spec.io_config.append_to_existing:
        return contextlib.nullcontext()
    return db.datasource_lock(task.spec.data_schema.data_source)


def run_ingestion(
    cur: duckdb.DuckDBPyConnection,
    task: TaskSpec,
    task_id: str,
    *,
    settings: OlapLiteSettings,
    workdir: Path,
    progress: Progress,
    write_lock: AbstractContextManager[object],
    version: str,
    finish: Callable[[duckdb.DuckDBPyConnection, list[Segment]], None],
    log: Callable[[str], None],
) -> list[Segment]:
    io = task.spec.io_config
    schema = task.spec.data_schema
    tuning = task.spec.tuning_config
    progress.state = "BUILD_SEGMENTS"
    files = decompressed(input_source(io.input_source or {}, settings).fetch(workdir), workdir)
    log(f"Read {len(files)} input file(s): {[f.uri for f in files][:20]}")
    progress.check()
    progress.stats = RowStats()
    if not files:
        with write_lock:
            finish(cur, [])
        return []
    fmt = input_format(io.input_format or {})
    relation = fmt.relation([f.path for f in files], cur)
    plan = build_plan(task, relation, cur)
    progress.check()
    stats = count_rows(cur, plan, sum(f.size for f in files))
    rejected = rejected_lines(fmt, cur)
    stats.unparseable += len(rejected)
    progress.stats = stats
    log(f"Row stats: {stats.as_dict()}")
    limit = tuning.parse_exception_limit
    exceeded = stats.parse_exceptions > limit
    if stats.parse_exceptions:
        wanted = max(tuning.saved_limit, 1 if exceeded else 0)
        progress.events = rejected_events(rejected, wanted)
        progress.events += parse_exceptions(
            cur, plan, wanted - len(progress.events), schema.timestamp_spec.column
        )
        for event in progress.events:
            log(f"Parse exception: {event['details'][0]}")
    if exceeded:
        raise ParseLimitExceeded(f"Max parse exceptions[{limit}] exceeded")
    progress.check()
    with write_lock:
        progress.check()
        segments = publish(
            cur,
            datasource=schema.data_source,
            task_id=task_id,
            plan=plan,
            stats=stats,
            append=io.append_to_existing,
            drop_existing=io.drop_existing,
            version=version,
            finish=finish,
        )
        progress.published = True
    log(f"Published {len(segments)} segment(s)")
    return segments
