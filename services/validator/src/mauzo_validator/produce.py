"""Publishing many records to one topic as a few produce batches instead of one `send` each.

`AIOKafkaProducer.send` costs more per record than validating it (a future, a metadata check and
an accumulator append in Python, every time). Here the records are grouped by the partition the
producer's default partitioner picks (a key lands where `send` would put it; records without a
key share one partition per call) and appended to `BatchBuilder`s that are handed over whole.
Order within a partition is the order given.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

_BY_KEY = DefaultPartitioner()  # the producer's own choice for a keyed record


@dataclass(frozen=True)
class Sent:
    """One produce batch in flight: its acknowledgement holds the offset of its first record."""

    future: asyncio.Future[object]
    records: int


async def send_many(
    producer: AIOKafkaProducer, topic: str, messages: list[tuple[bytes | None, bytes]]
) -> list[Sent]:
    partitions = sorted(await producer.partitions_for(topic))
    unkeyed = random.choice(partitions)  # noqa: S311 - spreading load, not secrecy
    chosen: dict[bytes, int] = {}
    grouped: dict[int, list[tuple[bytes | None, bytes]]] = {}
    for key, value in messages:
        if key is None:
            partition = unkeyed
        elif (partition := chosen.get(key, -1)) < 0:
            partition = chosen[key] = _BY_KEY(key, partitions, partitions)
        grouped.setdefault(partition, []).append((key, value))
    sent: list[Sent] = []
    for partition, items in grouped.items():
        batch, count = producer.create_batch(), 0
        for key, value in items:
            if batch.append(key=key, value=value, timestamp=None) is None:  # full
                sent.append(
                    Sent(await producer.send_batch(batch, topic, partition=partition), count)
                )
                batch, count = producer.create_batch(), 0
                if batch.append(key=key, value=value, timestamp=None) is None:
                    raise ValueError(f"a record of {len(value)} bytes fits no batch of {topic}")
            count += 1
        sent.append(Sent(await producer.send_batch(batch, topic, partition=partition), count))
    return sent
