"""Publishing many lines to one topic as a few records in a few produce batches.

`AIOKafkaProducer.send` costs more per record than validating it (a future, a metadata check and
an accumulator append in Python, every time), and every record costs the broker and the consumer
again. So lines are grouped by the partition the producer's default partitioner picks for their
key (lines without a key share one partition per call), joined by newlines into records of at
most `RECORD_BYTES` (Druid's `json` reader reads every object of a record), and the records are
appended to `BatchBuilder`s that are handed over whole. Order within a partition is the order
given; a packed record has no key.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

_BY_KEY = DefaultPartitioner()  # the producer's own choice for a keyed record
RECORD_BYTES = 64 << 10  # a quarter of a produce batch (stream_stage.py)


@dataclass(frozen=True)
class Sent:
    """One produce batch in flight: its acknowledgement holds the offset of its first record."""

    future: asyncio.Future[object]
    records: int


async def send_lines(
    producer: AIOKafkaProducer, topic: str, lines: list[tuple[bytes | None, bytes]]
) -> list[Sent]:
    partitions = sorted(await producer.partitions_for(topic))
    unkeyed = random.choice(partitions)  # noqa: S311 - spreading load, not secrecy
    chosen: dict[bytes, int] = {}
    grouped: dict[int, list[bytes]] = {}
    for key, value in lines:
        if key is None:
            partition = unkeyed
        elif (partition := chosen.get(key, -1)) < 0:
            partition = chosen[key] = _BY_KEY(key, partitions, partitions)
        grouped.setdefault(partition, []).append(value)
    sent: list[Sent] = []
    for partition, values in grouped.items():
        batch, count = producer.create_batch(), 0
        for record in packed(values):
            if batch.append(key=None, value=record, timestamp=None) is None:  # full
                sent.append(
                    Sent(await producer.send_batch(batch, topic, partition=partition), count)
                )
                batch, count = producer.create_batch(), 0
                if batch.append(key=None, value=record, timestamp=None) is None:
                    raise ValueError(f"a line of {len(record)} bytes fits no batch of {topic}")
            count += 1
        sent.append(Sent(await producer.send_batch(batch, topic, partition=partition), count))
    return sent


def packed(lines: list[bytes], limit: int = RECORD_BYTES) -> list[bytes]:
    """The lines joined by newlines, in order, into values of at most `limit` bytes (a longer
    line is a value of its own)."""
    out: list[bytes] = []
    start, size = 0, 0
    for i, line in enumerate(lines):
        if i > start and size + 1 + len(line) > limit:
            out.append(b"\n".join(lines[start:i]))
            start, size = i, 0
        size += len(line) + (size > 0)
    if start < len(lines):
        out.append(b"\n".join(lines[start:]))
    return out
