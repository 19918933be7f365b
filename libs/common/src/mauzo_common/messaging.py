"""FastStream/Kafka wiring: the broker factory, publishing, and the one subscriber decorator.

Delivery contract (docs/architecture.md#delivery-guarantees):
- at-least-once: the consumer offset is committed only after the handler returned (AckPolicy.ACK
  with auto-commit off), so a crash mid-handler means redelivery, never loss;
- a failing handler is retried a bounded number of times with exponential backoff, then the
  message goes to the dead-letter topic with the error and is acknowledged, so it never blocks its
  partition and is never silently dropped;
- handlers must be idempotent: redelivery after a crash is normal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import structlog
from aiokafka import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from mauzo_common.errors import InputRejected, MauzoError
from mauzo_common.events import DEAD_LETTER_TOPIC, DeadLettered, Envelope, ErrorInfo, Payload
from mauzo_common.kafka_security import faststream_security
from mauzo_common.logging import bind, unbind
from mauzo_common.observability import metrics
from mauzo_common.observability.tracing import continued_span, current_traceparent
from mauzo_common.settings import MauzoSettings

log = structlog.get_logger(__name__)

P = TypeVar("P", bound=Payload)
Handler = Callable[[Envelope[P]], Awaitable[None]]


def make_broker(settings: MauzoSettings) -> KafkaBroker:
    return KafkaBroker(
        settings.bootstrap_servers,
        enable_idempotence=settings.kafka_idempotence,
        acks="all" if settings.kafka_idempotence else 1,
        security=faststream_security(settings),
        logger=None,
    )


async def publish(broker: KafkaBroker, envelope: Envelope[Any]) -> None:
    """Publish and await the broker's ack; keying by task id keeps one task's events in order.

    The event carries the active trace context unless it already has one (an event published
    again from stored state keeps the trace it started in)."""
    if envelope.traceparent is None:
        envelope = envelope.model_copy(update={"traceparent": current_traceparent()})
    topic = topic_of(envelope)
    await broker.publish(
        envelope.model_dump(mode="json"),
        topic=topic,
        key=envelope.task_id.encode(),
        headers={"event_type": envelope.type, "event_id": str(envelope.event_id)},
    )
    metrics.events_published.labels(topic).inc()


def topic_of(envelope: Envelope[Any]) -> str:
    payload: Payload = envelope.payload
    return payload.topic()


class Consumer:
    """Registers idempotent, retried, dead-lettering subscribers on one broker for one group."""

    def __init__(self, broker: KafkaBroker, settings: MauzoSettings, *, group: str, producer: str):
        self.broker = broker
        self.settings = settings
        self.group = group
        self.producer = producer

    def on(self, payload_type: type[P]) -> Callable[[Handler[P]], Handler[P]]:
        def register(handler: Handler[P]) -> Handler[P]:
            async def consume(body: dict[str, Any], message: KafkaMessage) -> None:
                record_lag(message)
                await self._deliver(payload_type, handler, body)

            consume.__name__ = f"{handler.__name__}_{self.group}"
            self._subscribe(payload_type.topic())(consume)
            return handler

        return register

    def on_each(self, handlers: Mapping[type[Payload], Handler[Any]]) -> None:
        """One group member for several topics, each message to its topic's handler.

        `on` registers one Kafka consumer per event type; members of one group joining one after
        another cost a rebalance each (almost a minute on Tansu), so a service that reads many
        topics subscribes once to all of them.
        """
        by_topic = {payload_type.topic(): (payload_type, h) for payload_type, h in handlers.items()}

        async def consume(body: dict[str, Any], message: KafkaMessage) -> None:
            record = message.raw_message
            topic = record[0].topic if isinstance(record, tuple) else record.topic
            record_lag(message)
            payload_type, handler = by_topic[topic]
            await self._deliver(payload_type, handler, body)

        consume.__name__ = f"on_each_{self.group}"
        self._subscribe(*by_topic)(consume)

    def _subscribe(self, *topics: str) -> Callable[[Callable[..., Any]], Any]:
        return self.broker.subscriber(
            *topics,
            group_id=self.group,
            ack_policy=AckPolicy.ACK,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
        )

    async def _deliver(
        self, payload_type: type[P], handler: Handler[P], body: dict[str, Any]
    ) -> None:
        topic = payload_type.topic()
        try:
            envelope = Envelope[payload_type].model_validate(body)  # type: ignore[valid-type]
        except ValidationError as exc:
            # A malformed message will never succeed: straight to the dead-letter topic.
            await self._dead_letter(
                topic, body, 1, ErrorInfo(code="malformed_event", message=str(exc))
            )
            return
        bind(task_id=envelope.task_id, event_id=str(envelope.event_id), event_type=envelope.type)
        started = time.perf_counter()
        try:
            with continued_span(
                f"consume {topic}",
                envelope.traceparent,
                SpanKind.CONSUMER,
                **{"messaging.destination.name": topic, "mauzo.task_id": envelope.task_id},
            ):
                await self._run_with_retries(topic, handler, envelope, body)
        finally:
            metrics.event_handling_duration.labels(topic).observe(time.perf_counter() - started)
            unbind("task_id", "event_id", "event_type")

    async def _run_with_retries(
        self, topic: str, handler: Handler[P], envelope: Envelope[P], body: dict[str, Any]
    ) -> None:
        attempts = self.settings.kafka_max_retries + 1
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                metrics.events_retried.labels(topic).inc()
            try:
                await handler(envelope)
                metrics.events_consumed.labels(topic).inc()
                return
            except InputRejected as exc:
                # Handlers turn bad input into a `rejected` event themselves; one that escapes is
                # still permanent, so retrying it would only delay the dead letter.
                await self._dead_letter(topic, body, attempt, ErrorInfo(**exc.as_dict()))
                return
            except Exception as exc:
                metrics.events_failed.labels(topic).inc()
                log.warning("handler_failed", attempt=attempt, attempts=attempts, error=repr(exc))
                if attempt == attempts:
                    error = (
                        ErrorInfo(code=exc.code, message=exc.message, hint=exc.hint)
                        if isinstance(exc, MauzoError)
                        else ErrorInfo(
                            code="handler_failed",
                            message=f"{type(exc).__name__}: {exc}",
                            hint="Fix the cause, then replay the message from the dead-letter "
                            "topic.",
                        )
                    )
                    await self._dead_letter(topic, body, attempt, error)
                    return
                await asyncio.sleep(self.settings.kafka_retry_backoff_seconds * 2 ** (attempt - 1))

    async def _dead_letter(
        self, topic: str, body: dict[str, Any], attempts: int, error: ErrorInfo
    ) -> None:
        task_id = str(body.get("task_id") or "unknown") if isinstance(body, dict) else "unknown"
        letter = DeadLettered(
            source_topic=topic,
            attempts=attempts,
            error=error,
            original=body if isinstance(body, dict) else {"raw": repr(body)},
        )
        log.error("dead_lettered", source_topic=topic, attempts=attempts, code=error.code)
        metrics.events_dead_lettered.labels(topic, error.code).inc()
        await publish(self.broker, Envelope.wrap(letter, task_id=task_id, producer=self.producer))


def record_lag(message: KafkaMessage) -> None:
    """How far this consumer is behind its partition's end, as of the message just received."""
    record = message.raw_message
    if isinstance(record, tuple):  # a batch: its last record says how far behind it ends
        record = record[-1]
    partition = TopicPartition(record.topic, record.partition)
    highwater = getattr(message.consumer, "highwater", None)
    end = highwater(partition) if callable(highwater) else None
    if isinstance(end, int):
        metrics.consumer_lag.labels(record.topic, str(record.partition)).set(
            max(0, end - record.offset - 1)
        )


__all__ = ["DEAD_LETTER_TOPIC", "Consumer", "make_broker", "publish"]
