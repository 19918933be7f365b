"""The stream stage: `mauzo.sales-events.v1` → clean per-datasource topics / the dead-letter topic.

It runs in the validator (the rules it reuses live there) as a second consumer group beside the
file consumer. One loop: fetch up to `stream_batch_records` records across partitions, validate
them as one Polars frame (stream.py), drop event ids already loaded (dedupe.py), publish the clean
rows to `mauzo.sales-clean.<datasource>.v1` (many to a record, each on the partition its producer
key picks: produce.py), and each invalid record to `mauzo.sales-events-dead-letter.v1` with its
reason; only after every send is acknowledged are the ids remembered and the offsets committed
(docs/architecture.md#delivery-guarantees). A bad record is a verdict, never an exception, so it
never blocks its partition; a failure to publish retries the whole batch, after `recover` has
remembered the rows of it that landed. The first clean row of a datasource also announces
`StreamOpened`, on which spec-builder creates the datasource's supervisor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import polars as pl
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.structs import RecordMetadata

from mauzo_common.datasources import is_datasource_name
from mauzo_common.events import (
    CLEAN_COLUMNS,
    EVENT_ID,
    SALES_EVENTS_TOPIC,
    Envelope,
    ErrorInfo,
    Payload,
    SaleEventRejected,
    StreamBatchProcessed,
    StreamOpened,
    clean_topic,
    stream_upload_id,
)
from mauzo_common.kafka_security import aiokafka_options
from mauzo_common.observability import metrics
from mauzo_validator.dedupe import Outcome, SeenEvents
from mauzo_validator.produce import Sent, packed_records, send_records
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.stream import BatchOutcome, Rejection, validate_batch

log = structlog.get_logger(__name__)

GROUP = "mauzo-validator-stream"
PRODUCER = "validator"
CLEAN_PREFIX = clean_topic("")[: -len(".v1")]  # mauzo.sales-clean.
_HINT = "Correct the record and send it again (a new event_id, or the same one: it never loaded)."


class Fetched(NamedTuple):
    records: list[ConsumerRecord[bytes, bytes]]
    ends: dict[TopicPartition, int]  # per partition, the offset after its last record


class Decision(NamedTuple):
    outcome: BatchOutcome  # what to publish: valid rows not loaded before, new rejections
    duplicates: int
    rejected_ids: list[str]

    def handled(self) -> dict[str, Outcome]:
        """The ids this batch loads or rejects, once it is published."""
        found: dict[str, Outcome] = dict.fromkeys(self.rejected_ids, "rejected")
        found.update(dict.fromkeys(self.outcome.clean[EVENT_ID].to_list(), "loaded"))
        return found


@dataclass(frozen=True)
class BatchCounts:
    records: int
    valid: int
    rejected: int
    duplicate: int


class StreamStage:
    def __init__(self, settings: ValidatorSettings) -> None:
        self.settings = settings
        self.seen = SeenEvents(
            settings.dedupe_path(), retention_seconds=settings.stream_dedupe_days * 86_400
        )
        self.consumer = AIOKafkaConsumer(
            SALES_EVENTS_TOPIC,
            bootstrap_servers=settings.bootstrap_servers,
            group_id=GROUP,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            max_partition_fetch_bytes=8 << 20,
            **aiokafka_options(settings),
        )
        self.producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            acks="all" if settings.kafka_idempotence else 1,
            enable_idempotence=settings.kafka_idempotence,
            linger_ms=5,
            # Eight clean records a produce batch: the embedded broker's cost is largely per
            # batch (bench/stream ran ~5% faster than at 256 kB), and half a MB stays well under
            # Kafka's default message.max.bytes (1 MB).
            max_batch_size=1 << 19,
            **aiokafka_options(settings),
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.producer.start()
        await self.recover()
        await self.consumer.start()
        self._task = asyncio.create_task(self._run(), name="stream-stage")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.stop()
        await self.producer.stop()
        self.seen.close()

    async def recover(self) -> int:
        """Remember the ids of clean rows published after the last remembered batch.

        A stop between publishing a batch and remembering it (a SIGKILL) leaves rows in the clean
        topics whose ids the store does not know; the batch comes again, and without this its
        rows would load twice. Every clean partition is read from where the store last saw its
        end to where it ends now, and each id found is remembered as loaded."""
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            enable_auto_commit=False,
            group_id=None,
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
            **aiokafka_options(self.settings),
        )
        await reader.start()
        found: list[str] = []
        try:
            topics = [t for t in await reader.topics() if t.startswith(CLEAN_PREFIX)]
            parts = [
                TopicPartition(t, p) for t in topics for p in reader.partitions_for_topic(t) or ()
            ]
            if not parts:
                return 0
            ends = await reader.end_offsets(parts)
            known = await asyncio.to_thread(self.seen.clean_offsets)
            todo = {
                tp: end for tp, end in ends.items() if known.get((tp.topic, tp.partition), 0) < end
            }
            if not todo:
                return 0
            reader.assign(list(todo))
            for tp in todo:
                reader.seek(tp, known.get((tp.topic, tp.partition), 0))
            while todo:
                fetched = await reader.getmany(*todo, timeout_ms=1000)
                for tp, records in fetched.items():
                    for record in records:
                        for line in (record.value or b"").split(b"\n"):
                            event_id = json.loads(line).get(EVENT_ID) if line.strip() else None
                            if event_id:
                                found.append(str(event_id))
                    if records and records[-1].offset + 1 >= todo[tp]:
                        del todo[tp]
            offsets = {(tp.topic, tp.partition): end for tp, end in ends.items()}
            await asyncio.to_thread(self.seen.remember, found, (), offsets)
        finally:
            await reader.stop()
        log.info("stream_recovered", ids=len(found))
        return len(found)

    async def _run(self) -> None:
        """Batches are published strictly in order, but overlap in two ways: the next batch is
        fetched (aiokafka builds its records in Python) while one is handled, and it is decided
        (validated, its ids looked up) while the one before it is published, with that batch's
        ids counted as handled. Only a handled batch's offsets are committed. A failed batch is
        retried, after `recover` remembered what of it landed, and the batch decided ahead of it
        is decided again after it."""
        backoff = self.settings.kafka_retry_backoff_seconds
        swept = 0.0
        waiting: deque[Fetched] = deque()  # fetched, not yet handled, in order
        fetch = asyncio.create_task(self._fetch())
        ahead: asyncio.Task[Decision] | None = None  # waiting[1]'s decision, while [0] publishes
        try:
            while True:
                if not waiting:
                    fetched = await fetch
                    fetch = asyncio.create_task(self._fetch())
                    if not fetched.records:
                        continue
                    waiting.append(fetched)
                batch = waiting[0]
                decision = await ahead if ahead is not None else await self.decide(batch.records)
                ahead = None
                if len(waiting) == 1 and fetch.done():
                    following = fetch.result()
                    fetch = asyncio.create_task(self._fetch())
                    if following.records:
                        waiting.append(following)
                if len(waiting) > 1:
                    ahead = asyncio.create_task(
                        self.decide(waiting[1].records, handled=decision.handled())
                    )
                try:
                    await self.handle(batch.records, decision)
                    await self._commit(batch.ends)
                    waiting.popleft()
                except Exception as exc:  # a broker or disk failure: the batch comes again
                    log.warning("stream_batch_failed", error=repr(exc), records=len(batch.records))
                    if ahead is not None:  # decided against ids that may not have landed
                        with contextlib.suppress(Exception):
                            await ahead
                        ahead = None
                    await asyncio.sleep(backoff)
                    # Part of the batch may be in the clean topics already: remember those ids
                    # first, or the retry would publish them twice.
                    with contextlib.suppress(Exception):  # the retry fails again and says why
                        await self.recover()
                if time.monotonic() - swept > 60:
                    swept = time.monotonic()
                    await asyncio.to_thread(self.seen.forget_old)
        finally:
            for task in (fetch, ahead):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task

    async def _fetch(self) -> Fetched:
        fetched = await self.consumer.getmany(
            timeout_ms=500, max_records=self.settings.stream_batch_records
        )
        return Fetched(
            [r for batch in fetched.values() for r in batch],
            {tp: batch[-1].offset + 1 for tp, batch in fetched.items() if batch},
        )

    async def _commit(self, ends: dict[TopicPartition, int]) -> None:
        """Commit a handled batch's ends, of the partitions still assigned (after a rebalance a
        revoked partition's new owner reads them again; the id store keeps them from loading
        twice)."""
        assigned = self.consumer.assignment()
        owned = {tp: end for tp, end in ends.items() if tp in assigned}
        if owned:
            await self.consumer.commit(owned)

    async def decide(
        self,
        records: list[ConsumerRecord[bytes, bytes]],
        handled: Mapping[str, Outcome] | None = None,
    ) -> Decision:
        """`handled`: ids of a batch before this one that is being published, by outcome."""
        return await asyncio.to_thread(self._decide, records, handled or {})

    async def handle(
        self, records: list[ConsumerRecord[bytes, bytes]], decision: Decision
    ) -> BatchCounts:
        """Publish a batch as decided and remember its ids."""
        started = time.perf_counter()
        outcome, duplicates, rejected_ids = decision
        processed = batch_counts(outcome)
        sends: list[Sent] = []
        clean = outcome.clean
        for (datasource,), rows in clean.partition_by("datasource", as_dict=True).items():
            topic = clean_topic(str(datasource))
            keys = [records[index].key for index in rows["__index"]]
            partitions = sorted(await self.producer.partitions_for(topic))
            packed = await asyncio.to_thread(
                packed_records, rows.select(CLEAN_COLUMNS), keys, partitions
            )
            sends += await send_records(self.producer, topic, packed)
        for rejection in outcome.rejected:
            sends.append(Sent(await self._dead_letter(records[rejection.index], rejection), 1))
        datasources = clean["datasource"].unique().to_list()
        opened = await asyncio.to_thread(self.seen.unknown_datasources, datasources)
        for datasource in opened:
            sends.append(Sent(await self._announce(datasource), 1))
        for batch in processed:
            sends.append(Sent(await self._publish(batch, batch.datasource), 1))
        # Every send settles before a failure is raised, so recovery sees all that landed.
        settled = await asyncio.gather(*(sent.future for sent in sends), return_exceptions=True)
        failed = [a for a in settled if isinstance(a, BaseException)]
        if failed:
            raise failed[0]
        ends: dict[tuple[str, int], int] = {}
        for ack, sent in zip(settled, sends, strict=True):
            assert isinstance(ack, RecordMetadata)  # every send is a produce; failures raised above
            topic, partition, first = ack.topic, ack.partition, ack.offset
            if topic.startswith(CLEAN_PREFIX):
                end = first + sent.records
                ends[(topic, partition)] = max(ends.get((topic, partition), 0), end)
        await asyncio.to_thread(self.seen.remember, clean[EVENT_ID], rejected_ids, ends)
        if opened:
            await asyncio.to_thread(self.seen.remember_datasources, opened)
        counts = BatchCounts(len(records), clean.height, len(outcome.rejected), duplicates)
        self._count(records, outcome, duplicates)
        metrics.stream_batch_duration.observe(time.perf_counter() - started)
        return counts

    def _decide(
        self, records: list[ConsumerRecord[bytes, bytes]], handled: Mapping[str, Outcome]
    ) -> Decision:
        """Validate, then leave out what was handled before: a loaded id never loads again, a
        rejected one is not dead-lettered again (within the batch, the first copy wins)."""
        outcome = validate_batch([r.value for r in records], self.settings, now=datetime.now(UTC))
        clean = outcome.clean
        sent = [r.event_id for r in outcome.rejected if r.event_id]
        ids = [*clean[EVENT_ID].to_list(), *sent]
        before = self.seen.outcomes(pl.concat([clean[EVENT_ID], pl.Series(sent, dtype=pl.String)]))
        before.update((i, handled[i]) for i in ids if i in handled)
        loaded = {i for i, o in before.items() if o == "loaded"}
        first = clean[EVENT_ID].is_first_distinct()
        keep = first & ~clean[EVENT_ID].is_in(list(loaded))
        kept_clean = clean.filter(keep)
        taken = set(kept_clean[EVENT_ID].to_list())
        rejected: list[Rejection] = []
        for rejection in outcome.rejected:
            eid = rejection.event_id
            if eid is not None and (eid in before or eid in taken):
                continue
            if eid is not None:
                taken.add(eid)
            rejected.append(rejection)
        duplicates = len(records) - kept_clean.height - len(rejected)
        rejected_ids = [r.event_id for r in rejected if r.event_id]
        return Decision(
            BatchOutcome(kept_clean, rejected, outcome.datasources), duplicates, rejected_ids
        )

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], rejection: Rejection
    ) -> asyncio.Future[object]:
        letter = SaleEventRejected(
            datasource=rejection.datasource,
            event_id=rejection.event_id,
            source_partition=record.partition,
            source_offset=record.offset,
            key=record.key.decode("utf-8", "replace") if record.key else None,
            error=ErrorInfo(code=rejection.code, message=rejection.message, hint=_HINT),
            field=rejection.field,
            original=rejection.original,
        )
        task_id = stream_upload_id(rejection.datasource or "unknown")
        envelope = Envelope.wrap(letter, task_id=task_id, producer=PRODUCER)
        value = json.dumps(envelope.model_dump(mode="json")).encode()
        future: asyncio.Future[object] = await self.producer.send(
            SaleEventRejected.topic(), value, key=record.key
        )
        return future

    async def _announce(self, datasource: str) -> asyncio.Future[object]:
        opened = StreamOpened(datasource=datasource, clean_topic=clean_topic(datasource))
        log.info("stream_opened", datasource=datasource)
        return await self._publish(opened, datasource)

    async def _publish(self, payload: Payload, datasource: str) -> asyncio.Future[object]:
        envelope = Envelope.wrap(payload, task_id=stream_upload_id(datasource), producer=PRODUCER)
        value = json.dumps(envelope.model_dump(mode="json")).encode()
        future: asyncio.Future[object] = await self.producer.send(
            payload.topic(), value, key=envelope.task_id.encode()
        )
        return future

    def _count(
        self, records: list[ConsumerRecord[bytes, bytes]], outcome: BatchOutcome, duplicates: int
    ) -> None:
        metrics.stream_records.labels("*", "in").inc(len(records))
        metrics.stream_records.labels("*", "duplicate").inc(duplicates)
        for datasource, rows in outcome.clean.group_by("datasource").len().iter_rows():
            metrics.stream_records.labels(str(datasource), "valid").inc(rows)
        for rejection in outcome.rejected:
            name = rejection.datasource or ""
            label = name if is_datasource_name(name) else "*"  # bounded label values
            metrics.stream_records.labels(label, "rejected").inc()


def batch_counts(outcome: BatchOutcome) -> list[StreamBatchProcessed]:
    """Per named datasource: records, valid, rejected and left-out duplicates of one batch."""
    if outcome.datasources is None:
        return []
    sent = outcome.datasources.drop_nulls().value_counts()
    records = dict(sent.iter_rows())
    valid = dict(outcome.clean.group_by("datasource").len().iter_rows())
    rejected: dict[str, int] = {}
    last: dict[str, ErrorInfo] = {}
    for r in outcome.rejected:
        if r.datasource is not None:
            rejected[r.datasource] = rejected.get(r.datasource, 0) + 1
            last[r.datasource] = ErrorInfo(code=r.code, message=r.message)
    return [
        StreamBatchProcessed(
            datasource=name,
            records=n,
            valid=valid.get(name, 0),
            rejected=rejected.get(name, 0),
            duplicate=n - valid.get(name, 0) - rejected.get(name, 0),
            last_error=last.get(name),
        )
        for name, n in records.items()
        if is_datasource_name(str(name))
    ]
