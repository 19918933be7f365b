"""Publishing a frame of rows to one topic as a few NDJSON records in a few produce batches.

`AIOKafkaProducer.send` costs more per record than validating it (a future, a metadata check and
an accumulator append in Python, every time), and every record costs the broker and the consumer
again. So each row goes to the partition the producer's default partitioner picks for its key
(rows without a key share one partition per call), each partition's rows are written as NDJSON
in one call and cut at line ends into records of at most `RECORD_BYTES` (Druid's `json` reader
reads every object of a record), and the records are appended to `BatchBuilder`s that are handed
over whole. Order within a partition is the order given; a record has no key.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

_BY_KEY = DefaultPartitioner()  # the producer's own choice for a keyed record
RECORD_BYTES = 64 << 10  # an eighth of a produce batch (stream_stage.py)
_PARTITION = "__partition"


@dataclass(frozen=True)
class Sent:
    """One produce batch in flight: its acknowledgement holds the offset of its first record."""

    future: asyncio.Future[object]
    records: int


def packed_records(
    rows: pl.DataFrame, keys: Sequence[bytes | None], partitions: list[int]
) -> dict[int, list[bytes]]:
    """Per partition, its rows (one key each, in `keys`) as NDJSON records, in order. A column
    null in every row is left out of the lines: a missing field reads as null (in Druid's
    `json` reader as in olap-lite's), and the nulls were a sixth of a clean line."""
    rows = rows.select(c for c in rows.columns if rows[c].null_count() < rows.height)
    unkeyed = random.choice(partitions)  # noqa: S311 - spreading load, not secrecy
    if all(key is None for key in keys):
        return {unkeyed: cut(_ndjson(rows))}
    chosen: dict[bytes, int] = {}
    picked: list[int] = []
    for key in keys:
        if key is None:
            picked.append(unkeyed)
        elif (partition := chosen.get(key, -1)) >= 0:
            picked.append(partition)
        else:
            picked.append(chosen.setdefault(key, _BY_KEY(key, partitions, partitions)))
    tagged = rows.with_columns(pl.Series(_PARTITION, picked, pl.Int32))
    groups = tagged.partition_by(_PARTITION, as_dict=True, maintain_order=True)
    return {int(p): cut(_ndjson(group.drop(_PARTITION))) for (p,), group in groups.items()}


def _ndjson(rows: pl.DataFrame) -> bytes:
    out = io.BytesIO()  # written as bytes: a str would be encoded again, a copy of it all
    rows.write_ndjson(out)
    return out.getvalue()


def cut(text: bytes, limit: int = RECORD_BYTES) -> list[bytes]:
    """Newline-ended lines as values of whole lines joined by newlines, each at most `limit`
    bytes (a longer line is a value of its own)."""
    out: list[bytes] = []
    start, end = 0, len(text)
    while start < end:
        stop = text.rfind(b"\n", start, start + limit + 1)
        if stop < start:
            stop = text.find(b"\n", start)
            stop = end if stop < 0 else stop
        out.append(text[start:stop])
        start = stop + 1
    return out


async def send_records(
    producer: AIOKafkaProducer, topic: str, by_partition: dict[int, list[bytes]]
) -> list[Sent]:
    sent: list[Sent] = []
    for partition, records in by_partition.items():
        batch, count = producer.create_batch(), 0
        for record in records:
            if batch.append(key=None, value=record, timestamp=None) is None:  # full
                sent.append(
                    Sent(await producer.send_batch(batch, topic, partition=partition), count)
                )
                batch, count = producer.create_batch(), 0
                if batch.append(key=None, value=record, timestamp=None) is None:
                    raise ValueError(f"a row of {len(record)} bytes fits no batch of {topic}")
            count += 1
        sent.append(Sent(await producer.send_batch(batch, topic, partition=partition), count))
    return sent
