"""One consumer-group member for every topic the tracker reads.

The common `Consumer.on` registers one Kafka consumer per event type. The tracker reads all seven
topics, and seven members of one group joining one after another cost a rebalance each (almost a
minute on Tansu). This subscribes once to every topic and hands each message to the common
delivery path (commit after success, bounded retries, dead letter) for its topic's payload type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from faststream import AckPolicy
from faststream.kafka.annotations import KafkaMessage

from mauzo_common.events import Envelope, Payload
from mauzo_common.messaging import Consumer

AnyHandler = Callable[[Envelope[Any]], Awaitable[None]]


class SingleMemberConsumer(Consumer):
    def on_each(self, handlers: Mapping[type[Payload], AnyHandler]) -> None:
        by_topic = {payload_type.topic(): (payload_type, h) for payload_type, h in handlers.items()}

        async def consume(body: dict[str, Any], message: KafkaMessage) -> None:
            record = message.raw_message
            topic = record[0].topic if isinstance(record, tuple) else record.topic
            payload_type, handler = by_topic[topic]
            await self._deliver(payload_type, handler, body)

        consume.__name__ = f"on_each_{self.group}"
        self.broker.subscriber(
            *by_topic,
            group_id=self.group,
            ack_policy=AckPolicy.ACK,
            auto_offset_reset="earliest",
        )(consume)
