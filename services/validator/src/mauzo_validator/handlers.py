"""Subscriber functions: decode the event, run the pipeline, publish the outcome (thin)."""

from __future__ import annotations

import asyncio

import structlog
from faststream.kafka import KafkaBroker

from mauzo_common.errors import StorageFull, is_disk_full
from mauzo_common.events import (
    Envelope,
    FileRejected,
    FileUploaded,
    FileValidated,
    Payload,
    ValidationStarted,
)
from mauzo_common.messaging import Consumer, publish
from mauzo_common.object_store import ObjectStore
from mauzo_validator.pipeline import Rejected, validate_upload
from mauzo_validator.settings import ValidatorSettings

log = structlog.get_logger(__name__)

GROUP = "mauzo-validator"
PRODUCER = "validator"


def register(broker: KafkaBroker, store: ObjectStore, settings: ValidatorSettings) -> Consumer:
    consumer = Consumer(broker, settings, group=GROUP, producer=PRODUCER)

    async def to_event(payload: Payload, source: Envelope[FileUploaded]) -> None:
        envelope = Envelope.wrap(
            payload,
            task_id=source.task_id,
            producer=PRODUCER,
            correlation_id=source.correlation_id,
        )
        await publish(broker, envelope)

    @consumer.on(FileUploaded)
    async def on_file_uploaded(envelope: Envelope[FileUploaded]) -> None:
        uploaded = envelope.payload
        await to_event(ValidationStarted(datasource=uploaded.datasource), envelope)
        try:
            outcome = await asyncio.to_thread(
                validate_upload, store, uploaded, envelope.task_id, settings
            )
        except OSError as exc:
            # Retried like any system failure; its dead letter then says what to fix.
            if is_disk_full(exc):
                raise StorageFull("The validated file") from exc
            raise
        if isinstance(outcome, Rejected):
            await to_event(
                FileRejected(
                    datasource=uploaded.datasource,
                    error=outcome.error,
                    report_key=outcome.report_key,
                ),
                envelope,
            )
            return
        validated = FileValidated(
            datasource=uploaded.datasource,
            processed_keys=outcome.processed_keys,
            row_count=outcome.row_count,
            columns=outcome.columns,
            interval_start=outcome.interval_start,
            interval_end=outcome.interval_end,
            rows_read=outcome.rows_read,
            rows_rejected=outcome.rows_rejected,
            report_key=outcome.report_key,
            rejected_rows_key=outcome.rejected_key,
            mapping=outcome.mapping,
            date_formats=outcome.date_formats,
        )
        await to_event(validated, envelope)

    return consumer
