"""Every streamed datasource: the stream stage's counters and its supervisor's view, as one row.

Counters come from `StreamBatchProcessed` (applied once per event id); state, lag and rows loaded
come from the datasource's Druid supervisor (status and stats) when asked. The rate is the valid
records of the last `RATE_WINDOW` seconds per second. Old batch rows are swept as they age out.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, delete, func, select

from mauzo_common.db import make_session_factory
from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidError
from mauzo_common.druid.supervisors import supervisor_id
from mauzo_common.events import Envelope, ErrorInfo, StreamBatchProcessed, clean_topic
from mauzo_task_tracker.models import StreamBatch, StreamCounts, utcnow

RATE_WINDOW = 60.0


class StreamStatus(BaseModel):
    datasource: str
    topic: str
    state: str
    """The supervisor's state (RUNNING, SUSPENDED, …), or PENDING before it exists."""
    records_in: int
    valid: int
    rejected: int
    duplicate: int
    loaded: int | None
    """Rows the supervisor has ingested, when it answered."""
    lag: int | None
    rate: float
    """Valid records per second over the last minute."""
    last_error: ErrorInfo | None
    supervisor_errors: list[str]


class StreamRepository:
    def __init__(self, engine: Engine) -> None:
        self._sessions = make_session_factory(engine)
        self._lock = threading.Lock()

    def apply(self, envelope: Envelope[StreamBatchProcessed]) -> bool:
        batch = envelope.payload
        event_id = str(envelope.event_id)
        now = utcnow()
        with self._lock, self._sessions.begin() as session:
            if session.get(StreamBatch, event_id) is not None:
                return False
            session.add(StreamBatch(event_id=event_id, datasource=batch.datasource,
                                    valid=batch.valid, recorded_at=now))  # fmt: skip
            row = session.get(StreamCounts, batch.datasource, with_for_update=True)
            if row is None:
                row = StreamCounts(datasource=batch.datasource, records=0, valid=0, rejected=0,
                                   duplicate=0, first_seen_at=now)  # fmt: skip
                session.add(row)
            row.records += batch.records
            row.valid += batch.valid
            row.rejected += batch.rejected
            row.duplicate += batch.duplicate
            row.last_batch_at = now
            if batch.last_error is not None:
                row.last_error = batch.last_error.model_dump()
            session.execute(
                delete(StreamBatch).where(StreamBatch.recorded_at < now - timedelta(days=1))
            )
            return True

    def counts(self) -> tuple[list[StreamCounts], dict[str, float]]:
        since = utcnow() - timedelta(seconds=RATE_WINDOW)
        with self._sessions() as session:
            rows = list(session.scalars(select(StreamCounts).order_by(StreamCounts.datasource)))
            recent = session.execute(
                select(StreamBatch.datasource, func.sum(StreamBatch.valid))
                .where(StreamBatch.recorded_at >= since)
                .group_by(StreamBatch.datasource)
            )
            rates = {name: float(total or 0) / RATE_WINDOW for name, total in recent}
            session.expunge_all()
        return rows, rates


async def stream_statuses(
    repository: StreamRepository, druid: DruidClient, *, datasource: str | None = None
) -> list[StreamStatus]:
    rows, rates = await asyncio.to_thread(repository.counts)
    out = []
    for row in rows:
        if datasource is not None and row.datasource != datasource:
            continue
        state, lag, loaded, errors = await _supervisor(druid, row.datasource)
        out.append(
            StreamStatus(
                datasource=row.datasource,
                topic=clean_topic(row.datasource),
                state=state,
                records_in=row.records,
                valid=row.valid,
                rejected=row.rejected,
                duplicate=row.duplicate,
                loaded=loaded,
                lag=lag,
                rate=round(rates.get(row.datasource, 0.0), 3),
                last_error=ErrorInfo(**row.last_error) if row.last_error else None,
                supervisor_errors=errors,
            )
        )
    return out


async def _supervisor(
    druid: DruidClient, datasource: str
) -> tuple[str, int | None, int | None, list[str]]:
    sup_id = supervisor_id(datasource)
    try:
        status: dict[str, Any] = (await druid.supervisor_status(sup_id)).get("payload", {})
        stats = await druid.supervisor_stats(sup_id)
    except DruidError as exc:
        if exc.answer.status == 404:
            return "PENDING", None, None, []
        return "UNKNOWN", None, None, [exc.message]
    loaded = sum(
        int(task.get("totals", {}).get("buildSegments", {}).get("processed", 0))
        for group in stats.values()
        if isinstance(group, dict)
        for task in group.values()
        if isinstance(task, dict)
    )
    lag = status.get("aggregateLag")
    errors = [str(e.get("exceptionMessage", e)) if isinstance(e, dict) else str(e)
              for e in status.get("recentErrors") or []]  # fmt: skip
    return (
        str(status.get("state", "UNKNOWN")),
        int(lag) if lag is not None else None,
        loaded,
        errors,
    )
