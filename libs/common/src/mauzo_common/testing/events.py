"""Publishing events in a test as another service would: its own producer, acks awaited."""

from __future__ import annotations

import asyncio
from typing import Any

from mauzo_common.events import Envelope
from mauzo_common.messaging import make_broker, publish
from mauzo_common.settings import MauzoSettings


def publish_events(bootstrap: str, *envelopes: Envelope[Any]) -> None:
    """Publish `envelopes` in order on a fresh producer and return once the broker has them."""

    async def run() -> None:
        broker = make_broker(MauzoSettings(kafka_bootstrap=bootstrap))
        async with broker:
            await broker.start()
            for envelope in envelopes:
                await publish(broker, envelope)

    asyncio.run(run())
