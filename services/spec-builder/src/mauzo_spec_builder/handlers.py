"""Subscriber: a validated file becomes a submitted Druid task (spec → submit → publish)."""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaBroker

from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.specs import load_spec
from mauzo_common.events import Envelope, FileValidated, IngestionSubmitted
from mauzo_common.messaging import publish
from mauzo_common.object_store import ObjectStore

PRODUCER = "spec-builder"

log = structlog.get_logger(__name__)


class Handlers:
    """Nothing here is the user's fault: a file the user got wrong was rejected by the validator,
    so a spec that cannot be built (SpecError) or that the Overlord refuses (DruidRefused) is a
    bug on our side and, like an unreachable Overlord (DruidUnavailable), is retried, then
    dead-lettered, never an InputRejected."""

    def __init__(self, *, broker: KafkaBroker, store: ObjectStore, overlord: DruidClient) -> None:
        self._broker = broker
        self._store = store
        self._overlord = overlord

    async def on_file_validated(self, envelope: Envelope[FileValidated]) -> None:
        event = envelope.payload
        uris = [self._store.uri(key) for key in event.processed_keys]
        spec = load_spec(event, task_id=envelope.task_id, uris=uris)
        submission = await self._overlord.submit_task(spec)
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
