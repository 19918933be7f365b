"""Subscriber functions: every ingest event is applied to the task table, idempotently."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from mauzo_common.events import (
    ALL_PAYLOADS,
    DeadLettered,
    Envelope,
    FileRejected,
    FileUploaded,
    FileValidated,
    IngestionCompleted,
    IngestionSubmitted,
    StreamBatchProcessed,
    ValidationStarted,
)
from mauzo_common.messaging import Consumer
from mauzo_task_tracker.changes import TaskChanges
from mauzo_task_tracker.lifecycle import dead_letter_effect
from mauzo_task_tracker.nudges import Nudges
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.streams import StreamRepository

log = structlog.get_logger(__name__)


def register_handlers(
    consumer: Consumer,
    repository: TaskRepository,
    nudges: Nudges,
    changes: TaskChanges,
    streams: StreamRepository,
) -> None:
    async def on_event(envelope: Envelope[Any]) -> None:
        applied = await asyncio.to_thread(repository.apply, envelope)
        if applied:
            changes.notify()
        log.info("event_applied" if applied else "event_duplicate", type=envelope.type)

    async def on_ingestion_submitted(envelope: Envelope[IngestionSubmitted]) -> None:
        await on_event(envelope)
        nudges.nudge()

    async def on_dead_lettered(envelope: Envelope[DeadLettered]) -> None:
        if envelope.task_id == "unknown":
            log.error("dead_letter_without_task", source_topic=envelope.payload.source_topic)
            return
        if dead_letter_effect(envelope.payload, envelope.producer) == "replay":
            # The tracker itself failed to record this event earlier: record it now.
            original = _original(envelope.payload)
            if original is not None:
                await on_event(original)
        await on_event(envelope)

    async def on_stream_batch(envelope: Envelope[StreamBatchProcessed]) -> None:
        applied = await asyncio.to_thread(streams.apply, envelope)
        log.debug("stream_batch_applied" if applied else "stream_batch_duplicate")

    consumer.on_each(
        {
            StreamBatchProcessed: on_stream_batch,
            FileUploaded: on_event,
            ValidationStarted: on_event,
            FileValidated: on_event,
            FileRejected: on_event,
            IngestionSubmitted: on_ingestion_submitted,
            IngestionCompleted: on_event,
            DeadLettered: on_dead_lettered,
        }
    )


def _original(letter: DeadLettered) -> Envelope[Any] | None:
    for payload_type in ALL_PAYLOADS:
        if payload_type.topic() == letter.source_topic:
            return Envelope[payload_type].model_validate(letter.original)  # type: ignore[valid-type]
    return None
