"""The Kafka wiring against a real broker: commit-after-success, bounded retry, dead letter."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

from mauzo_common.events import (
    DEAD_LETTER_TOPIC,
    DeadLettered,
    Envelope,
    FileUploaded,
    ValidationStarted,
)
from mauzo_common.messaging import Consumer, make_broker, publish
from mauzo_common.observability.tracing import (
    configure_tracing,
    continued_span,
    current_traceparent,
)
from mauzo_common.settings import MauzoSettings

pytestmark = pytest.mark.kafka

# Only failures: other consumers in this process may handle the shared topic's events meanwhile.
COUNTERS = ("failed", "retried", "dead_lettered")


def _sample(counter: str, topic: str) -> float:
    labels = {"topic": topic} | ({"code": "handler_failed"} if counter == "dead_lettered" else {})
    return REGISTRY.get_sample_value(f"mauzo_events_{counter}_total", labels) or 0.0


def _uploaded(task_id: str) -> Envelope[FileUploaded]:
    payload = FileUploaded(
        datasource="sales",
        object_key=f"uploads/sales/{task_id}/a.csv",
        file_name="a.csv",
        size_bytes=3,
        sha256="0" * 64,
    )
    return Envelope.wrap(payload, task_id=task_id, producer="test")


async def _committed(bootstrap: str, group: str, topic: str) -> int | None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()


async def _end_offset(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        ends = await consumer.end_offsets([partition])
        return int(ends[partition])
    finally:
        await consumer.stop()


async def _dead_letters(bootstrap: str, task_id: str, wait_s: float = 20) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        DEAD_LETTER_TOPIC,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=f"dlq-reader-{uuid.uuid4().hex}",
    )
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + wait_s
        while not found and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    body = json.loads(record.value)
                    if body["task_id"] == task_id:
                        found.append(body)
    finally:
        await consumer.stop()
    return found


async def test_offset_is_committed_only_after_the_handler_succeeds(kafka_bootstrap: str) -> None:
    settings = MauzoSettings(kafka_bootstrap=kafka_bootstrap)
    broker = make_broker(settings)
    group = f"g-{uuid.uuid4().hex[:8]}"
    started, release, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    task_id = uuid.uuid4().hex
    consumer = Consumer(broker, settings, group=group, producer="test")

    @consumer.on(FileUploaded)
    async def on_file_uploaded(envelope: Envelope[FileUploaded]) -> None:
        if envelope.task_id == task_id:
            started.set()
            await release.wait()
            done.set()

    topic = FileUploaded.topic()
    async with broker:
        await broker.start()
        await publish(broker, _uploaded(task_id))
        # The session's broker is shared: earlier tests' records come first on this topic, and
        # this group may commit past them; ours is the last record.
        ours = await _end_offset(kafka_bootstrap, topic) - 1
        await asyncio.wait_for(started.wait(), 30)
        assert (await _committed(kafka_bootstrap, group, topic) or 0) <= ours
        release.set()
        await asyncio.wait_for(done.wait(), 10)
        for _ in range(100):
            if (await _committed(kafka_bootstrap, group, topic) or 0) > ours:
                break
            await asyncio.sleep(0.1)
        assert (await _committed(kafka_bootstrap, group, topic) or 0) == ours + 1


async def test_failing_handler_is_retried_then_dead_lettered(kafka_bootstrap: str) -> None:
    settings = MauzoSettings(
        kafka_bootstrap=kafka_bootstrap, kafka_max_retries=2, kafka_retry_backoff_seconds=0.01
    )
    broker = make_broker(settings)
    task_id = uuid.uuid4().hex
    calls: list[int] = []
    consumer = Consumer(broker, settings, group=f"g-{uuid.uuid4().hex[:8]}", producer="test")

    @consumer.on(ValidationStarted)
    async def on_validation_started(envelope: Envelope[ValidationStarted]) -> None:
        if envelope.task_id == task_id:
            calls.append(1)
            raise RuntimeError("store unreachable")

    topic = ValidationStarted.topic()
    before = {name: _sample(name, topic) for name in COUNTERS}
    async with broker:
        await broker.start()
        started = Envelope.wrap(
            ValidationStarted(datasource="sales"), task_id=task_id, producer="t"
        )
        await publish(broker, started)
        letters = await _dead_letters(kafka_bootstrap, task_id)

    counted = {name: _sample(name, topic) - before[name] for name in COUNTERS}
    assert counted == {"failed": 3, "retried": 2, "dead_lettered": 1}
    assert len(calls) == 3
    assert len(letters) == 1
    letter = Envelope[DeadLettered].model_validate(letters[0])
    assert letter.payload.attempts == 3
    assert letter.payload.source_topic == ValidationStarted.topic()
    assert "store unreachable" in letter.payload.error.message
    assert letter.payload.original["event_id"] == str(started.event_id)


async def test_trace_context_crosses_the_kafka_hop_in_the_envelope(kafka_bootstrap: str) -> None:
    configure_tracing("test")
    settings = MauzoSettings(kafka_bootstrap=kafka_bootstrap)
    broker = make_broker(settings)
    task_id = uuid.uuid4().hex
    seen: asyncio.Queue[tuple[str | None, str | None]] = asyncio.Queue()
    consumer = Consumer(broker, settings, group=f"g-{uuid.uuid4().hex[:8]}", producer="test")

    @consumer.on(FileUploaded)
    async def on_file_uploaded(envelope: Envelope[FileUploaded]) -> None:
        if envelope.task_id == task_id:
            await seen.put((envelope.traceparent, current_traceparent()))

    consumed_before = (
        REGISTRY.get_sample_value("mauzo_events_consumed_total", {"topic": FileUploaded.topic()})
        or 0.0
    )
    async with broker:
        await broker.start()
        with continued_span("upload request", None, SpanKind.SERVER):
            sent = current_traceparent()
            await publish(broker, _uploaded(task_id))
        carried, inside_handler = await asyncio.wait_for(seen.get(), 30)

    assert sent is not None
    assert carried == sent, "the envelope carries the publisher's trace context"
    assert inside_handler is not None
    assert inside_handler.split("-")[1] == sent.split("-")[1], "the handler continues that trace"
    assert inside_handler.split("-")[2] != sent.split("-")[2], "in a consumer span of its own"
    consumed = REGISTRY.get_sample_value(
        "mauzo_events_consumed_total", {"topic": FileUploaded.topic()}
    )
    assert consumed is not None
    assert consumed >= consumed_before + 1
    lag = REGISTRY.get_sample_value(
        "mauzo_consumer_lag_messages", {"topic": FileUploaded.topic(), "partition": "0"}
    )
    assert lag is not None
    assert lag >= 0
