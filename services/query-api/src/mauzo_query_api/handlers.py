"""Event subscribers: a finished ingestion makes that datasource's cached answers stale."""

from __future__ import annotations

import structlog

from mauzo_common.events import Envelope, IngestionCompleted
from mauzo_common.messaging import Consumer
from mauzo_query_api.deps import Services

log = structlog.get_logger(__name__)


def subscribe(consumer: Consumer, services: Services) -> None:
    @consumer.on(IngestionCompleted)
    async def on_ingestion_completed(envelope: Envelope[IngestionCompleted]) -> None:
        datasource = envelope.payload.datasource
        removed = await services.invalidate(datasource)
        log.info(
            "ingestion_completed_seen",
            datasource=datasource,
            status=envelope.payload.status,
            cache_entries_dropped=removed,
        )
