"""Subscriber: a validated file becomes a submitted Druid task (spec → submit → publish)."""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaBroker

from mauzo_common.events import Envelope, FileValidated, IngestionSubmitted
from mauzo_common.messaging import publish
from mauzo_common.object_store import ObjectStore
from mauzo_spec_builder.overlord import OverlordClient
from mauzo_spec_builder.spec import build_spec

PRODUCER = "spec-builder"

log = structlog.get_logger(__name__)


class Handlers:
    def __init__(
        self, *, broker: KafkaBroker, store: ObjectStore, overlord: OverlordClient
    ) -> None:
        self._broker = broker
        self._store = store
        self._overlord = overlord

    async def on_file_validated(self, envelope: Envelope[FileValidated]) -> None:
        event = envelope.payload
        uris = [self._store.uri(key) for key in event.processed_keys]
        spec = build_spec(event, task_id=envelope.task_id, uris=uris)
        submission = await self._overlord.submit(spec)
        log.info(
            "ingestion_submitted",
            datasource=event.datasource,
            druid_task_id=submission.druid_task_id,
            already_submitted=submission.already_submitted,
            expected_rows=event.row_count,
        )
        # Published again on a re-delivery: the tracker applies it idempotently, and a crash
        # between submitting and publishing must not leave the task stuck in `validated`.
        submitted = IngestionSubmitted(
            datasource=event.datasource,
            druid_task_id=submission.druid_task_id,
            expected_rows=event.row_count,
        )
        await publish(
            self._broker,
            Envelope.wrap(
                submitted,
                task_id=envelope.task_id,
                producer=PRODUCER,
                correlation_id=envelope.correlation_id,
            ),
        )
