"""Event subscribers: a finished ingestion makes that datasource's cached answers stale."""

from __future__ import annotations

import structlog

from mauzo_common.events import Envelope, IngestionCompleted, StreamOpened
from mauzo_common.messaging import Consumer
from mauzo_query_api.deps import Services

log = structlog.get_logger(__name__)


def subscribe(consumer: Consumer, services: Services) -> None:
    async def on_stream_opened(envelope: Envelope[StreamOpened]) -> None:
        """From now on, answers over this datasource are kept only briefly (freshness.py)."""
        datasource = envelope.payload.datasource
        if services.freshness is not None:
            services.freshness.add_streams([datasource])
        await services.invalidate(datasource)
        log.info("stream_opened_seen", datasource=datasource)

    async def on_ingestion_completed(envelope: Envelope[IngestionCompleted]) -> None:
        datasource = envelope.payload.datasource
        removed = await services.invalidate(datasource)
        log.info(
            "ingestion_completed_seen",
            datasource=datasource,
            status=envelope.payload.status,
            cache_entries_dropped=removed,
        )

    consumer.on_each({IngestionCompleted: on_ingestion_completed, StreamOpened: on_stream_opened})
