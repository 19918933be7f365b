"""One running supervisor: an aiokafka consumer reading its topic in micro-batches.

Partitions are assigned manually (no consumer group: the offsets live in DuckDB, not in Kafka).
On start every partition seeks to its stored next offset; a partition with none starts at the
earliest offset when useEarliestOffset is set, else at the latest, and that starting position is
stored at once so a restart never skips records. Stored offsets no longer in the topic fail the
supervisor until `/reset` (auto_offset_reset "none"), like Druid. A failed batch is never half
written; the consumer is reopened from the stored offsets after a backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from mauzo_olap_lite.database import Database, transaction
from mauzo_olap_lite.supervisors import store
from mauzo_olap_lite.supervisors.batch import BatchResult, Record, ingest_batch
from mauzo_olap_lite.supervisors.spec import SupervisorSpec

log = structlog.get_logger(__name__)
BATCH_WINDOW_S = 0.5
# A record may hold many rows (values.py): a micro-batch also ends at this much record data,
# so catching up on a long lag never gathers millions of rows into one DuckDB transaction.
MAX_BATCH_BYTES = 32 << 20
LATEST_REFRESH_S = 1.0
UNHEALTHY_AFTER = 3  # druid.supervisor.unhealthinessThreshold
MAX_RECENT_ERRORS = 10
STOP_TIMEOUT_S = 30.0


@dataclass
class LiveState:
    state: str = "PENDING"
    detailed: str = "PENDING"
    task_id: str = ""
    start_time: str = ""
    partitions: list[int] = field(default_factory=list)
    starting: dict[int, int] = field(default_factory=dict)
    current: dict[int, int] = field(default_factory=dict)
    latest: dict[int, int] = field(default_factory=dict)
    offsets_updated: str | None = None
    failures: int = 0
    errors: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_RECENT_ERRORS))
    totals: dict[str, int] = field(default_factory=dict)

    def error(self, exception_class: str, message: str, stream: bool) -> None:
        self.errors.append(
            {
                "timestamp": store.now_iso(),
                "exceptionClass": exception_class,
                "message": message,
                "streamException": stream,
            }
        )


class SupervisorRunner:
    def __init__(
        self,
        spec: SupervisorSpec,
        db: Database,
        on_published: Callable[[str], None],  # the datasource a batch was appended to
        totals: dict[str, int],
    ) -> None:
        self.spec = spec
        self.live = LiveState(totals=dict(totals))
        self._db = db
        self._on_published = on_published
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._stop = asyncio.Event()
        self.live.state, self.live.detailed = "PENDING", "PENDING"
        self.live.task_id = f"index_kafka_{self.spec.datasource}_{int(time.time() * 1000)}"
        self.live.start_time = store.now_iso()
        self._task = asyncio.create_task(self._run(), name=f"supervisor-{self.spec.id}")

    async def stop(self) -> None:
        """Finish the batch in flight (it commits or not, never half), then stop."""
        self._stop.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT_S)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        bound = log.bind(supervisor_id=self.spec.id, topic=self.spec.topic)
        while not self._stop.is_set():
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.live.failures += 1
                stream = type(exc).__module__.startswith("aiokafka")
                self.live.error(type(exc).__name__, str(exc) or repr(exc), stream)
                self.live.detailed = (
                    "UNABLE_TO_CONNECT_TO_STREAM" if stream else "LOST_CONTACT_WITH_STREAM"
                )
                if self.live.failures >= UNHEALTHY_AFTER:
                    self.live.state = "UNHEALTHY_SUPERVISOR"
                bound.warning("supervisor_failed", error=str(exc), failures=self.live.failures)
                backoff = min(0.5 * 2 ** min(self.live.failures, 5), 10.0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), backoff)

    async def _consume(self) -> None:
        self.live.detailed = "CONNECTING_TO_STREAM"
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.spec.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="none",
            isolation_level=self.spec.isolation_level,
            client_id=f"olap-lite-{self.spec.id}",
            **self.spec.fetch_options,
        )
        await consumer.start()
        try:
            await consumer.topics()  # fetch fresh metadata
            found = consumer.partitions_for_topic(self.spec.topic)
            if not found:
                raise LookupError(f"Topic [{self.spec.topic}] does not exist")
            tps = [TopicPartition(self.spec.topic, p) for p in sorted(found)]
            consumer.assign(tps)
            self.live.detailed = "DISCOVERING_INITIAL_TASKS"
            await self._seek(consumer, tps)
            self.live.state = self.live.detailed = "RUNNING"
            refreshed = 0.0
            while not self._stop.is_set():
                records = await self._poll(consumer)
                if time.monotonic() - refreshed > LATEST_REFRESH_S:
                    ends = await consumer.end_offsets(tps)
                    self.live.latest = {tp.partition: off for tp, off in ends.items()}
                    self.live.offsets_updated = store.now_iso()
                    refreshed = time.monotonic()
                if records:
                    result = await asyncio.to_thread(self._ingest, records)
                    self._apply(result, records)
                self._apply_latest()
                self.live.failures = 0
                self.live.state = "RUNNING"
        finally:
            await consumer.stop()

    async def _seek(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition]) -> None:
        stored = await asyncio.to_thread(self._stored)
        missing = [tp for tp in tps if tp.partition not in stored]
        if missing:
            if self.spec.use_earliest_offset:
                await consumer.seek_to_beginning(*missing)
            else:
                await consumer.seek_to_end(*missing)
            fresh = {tp.partition: await consumer.position(tp) for tp in missing}
            await asyncio.to_thread(self._store_start, fresh)
            stored = {**stored, **fresh}
        for tp in tps:
            consumer.seek(tp, stored[tp.partition])
        self.live.partitions = [tp.partition for tp in tps]
        self.live.starting = {tp.partition: stored[tp.partition] for tp in tps}
        self.live.current = dict(self.live.starting)

    async def _poll(self, consumer: AIOKafkaConsumer) -> list[Record]:
        """A micro-batch: the first records to come (waiting up to BATCH_WINDOW_S for them), then
        more for as long as each poll (pollTimeout) brings some, up to max_batch_rows records,
        MAX_BATCH_BYTES of values or BATCH_WINDOW_S after the first. Caught up, a batch ends one
        empty poll after its last record instead of waiting out the window, so rows are
        queryable sooner; behind, batches grow to the limits and their fixed cost is rare."""
        limit = self.spec.max_batch_rows
        records: list[Record] = []
        size = 0
        deadline = 0.0  # set when the first records come
        wait_ms = int(BATCH_WINDOW_S * 1000)
        while len(records) < limit and size < MAX_BATCH_BYTES and not self._stop.is_set():
            fetched = await consumer.getmany(timeout_ms=wait_ms, max_records=limit - len(records))
            for tp, messages in fetched.items():
                records += [
                    Record(tp.partition, m.offset, m.value, m.key, m.timestamp) for m in messages
                ]
                size += sum(len(m.value) for m in messages if m.value is not None)
            if not any(fetched.values()):
                break
            deadline = deadline or time.monotonic() + BATCH_WINDOW_S
            left = deadline - time.monotonic()
            if left <= 0:
                break
            wait_ms = max(min(int(left * 1000), self.spec.poll_timeout_ms), 1)
        return records

    def _ingest(self, records: list[Record]) -> BatchResult:
        """Runs on a worker thread, and so does `on_published`: it may read the catalog, which
        the event loop must not wait for."""
        cur = self._db.cursor()
        try:
            result = ingest_batch(
                cur,
                self.spec,
                records,
                write_lock=self._db.publish_lock(self.spec.datasource),
                task_id=self.live.task_id,
            )
        finally:
            cur.close()
        if result.published:
            self._on_published(self.spec.datasource)
        return result

    def _apply(self, result: BatchResult, records: list[Record]) -> None:
        for r in records:
            self.live.current[r.partition] = max(
                self.live.current.get(r.partition, 0), r.offset + 1
            )
        for key, value in result.totals.items():
            self.live.totals[key] = self.live.totals.get(key, 0) + value
        for message in result.errors:
            self.live.error(
                "org.apache.druid.java.util.common.parsers.ParseException", message, False
            )

    def _apply_latest(self) -> None:
        """The log end is at least what was read (some brokers answer a stale end offset)."""
        for p, off in self.live.current.items():
            self.live.latest[p] = max(self.live.latest.get(p, 0), off)

    def _stored(self) -> dict[int, int]:
        cur = self._db.cursor()
        try:
            return store.offsets(cur, self.spec.datasource, self.spec.topic)
        finally:
            cur.close()

    def _store_start(self, positions: dict[int, int]) -> None:
        cur = self._db.cursor()
        try:
            with self._db.write_lock, transaction(cur):
                store.write_offsets(cur, self.spec.datasource, self.spec.topic, positions)
        finally:
            cur.close()
