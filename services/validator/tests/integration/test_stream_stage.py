"""The stream stage against a real broker: a producer that knows only the documented contract."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.partitioner import DefaultPartitioner

from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.stream_stage import StreamStage

# What a producer reads in docs/asyncapi.json, written out rather than imported.
TOPIC = "mauzo.sales-events.v1"
DEAD_LETTER = "mauzo.sales-events-dead-letter.v1"
OPENED = "mauzo.stream-opened.v1"


def sales(datasource: str, n: int, bad: int) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(7)
    lines: list[tuple[str, dict[str, Any]]] = []
    for i in range(n):
        lines.append((f"INV{i // 3}", {
            "event_id": f"{datasource}-{i}", "datasource": datasource,
            "time": f"2025-05-{1 + i % 28:02d}T{8 + i % 10:02d}:15:00+03:00",
            "branch": rng.choice(["Mombasa", "Nairobi CBD", "Kisumu"]), "product": f"P{i % 50}",
            "invoice_id": f"INV{i // 3}", "quantity": 1 + i % 4, "amount": 100 + i % 7,
            "cost": 60,
        }))  # fmt: skip
    for j in range(bad):
        record = {"event_id": f"{datasource}-bad-{j}", "datasource": datasource,
                  "time": "2025-05-02 10:00:00", "amount": 10}  # fmt: skip
        if j % 2:
            record["amount"] = "ten shillings"
        else:
            record["time"] = "yesterday"
        lines.append((f"BAD{j}", record))
    return lines


async def send(bootstrap: str, lines: list[tuple[str, dict[str, Any]]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        futures = [
            await producer.send(TOPIC, json.dumps(v).encode(), key=k.encode()) for k, v in lines
        ]
        for future in futures:
            await future
    finally:
        await producer.stop()


async def read(bootstrap: str, topic: str, want: int, idle_s: float = 3) -> list[dict[str, Any]]:
    """Every record on the topic: until `want` arrived and nothing more came for `idle_s`."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    out: list[dict[str, Any]] = []
    idle = 0.0
    try:
        while idle < 90 and (len(out) < want or idle < idle_s):
            batch = await consumer.getmany(timeout_ms=500)
            got = [json.loads(line) for rs in batch.values() for r in rs
                   for line in (r.value or b"").splitlines()]  # fmt: skip
            out += got
            idle = 0.0 if got else idle + 0.5
    finally:
        await consumer.stop()
    return out


async def test_valid_lines_reach_the_clean_topic_and_invalid_ones_the_dead_letter_topic(
    kafka_bootstrap: str, tmp_path: Path, unique_name: str
) -> None:
    settings = ValidatorSettings(kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path)
    lines = sales(unique_name, 2000, 50)
    stage = StreamStage(settings)
    await stage.start()
    try:
        await send(kafka_bootstrap, lines)
        clean = await read(kafka_bootstrap, f"mauzo.sales-clean.{unique_name}.v1", 2000)
        letters = await read(kafka_bootstrap, DEAD_LETTER, 50)
        await send(kafka_bootstrap, lines[:500] + lines[-10:])  # sent again: changes nothing
        again = await read(kafka_bootstrap, f"mauzo.sales-clean.{unique_name}.v1", 2000)
        letters_again = await read(kafka_bootstrap, DEAD_LETTER, 50)
        opened = await read(kafka_bootstrap, OPENED, 1)
    finally:
        await stage.stop()

    assert len(clean) == 2000
    assert len(again) == 2000
    assert len({r["event_id"] for r in clean}) == 2000
    assert sum(r["gross_revenue"] for r in clean) == sum(v["amount"] for _, v in lines[:2000])
    mine = [e for e in letters_again if e["payload"]["datasource"] == unique_name]
    assert len(mine) == 50
    by_id = {e["payload"]["event_id"]: e["payload"] for e in mine}
    for _, record in lines[2000:]:
        letter = by_id[record["event_id"]]
        assert letter["original"] == record
        if record["time"] == "yesterday":
            assert (letter["error"]["code"], letter["field"]) == ("unparseable_dates", "time")
        else:
            assert (letter["error"]["code"], letter["field"]) == ("amounts_not_numbers", "amount")
    assert len([e for e in letters if e["payload"]["datasource"] == unique_name]) == 50
    assert [e["payload"]["datasource"] for e in opened].count(unique_name) == 1


async def test_rows_published_but_not_remembered_before_a_kill_are_not_loaded_again(
    kafka_bootstrap: str, tmp_path: Path, unique_name: str
) -> None:
    """A SIGKILL between publishing a batch and remembering its ids: on start the stage reads
    the clean topics from where its store last saw them end and remembers what it finds."""
    topic = f"mauzo.sales-clean.{unique_name}.v1"
    lines = sales(unique_name, 300, 0)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:  # what the killed stage had published of its batch: the first 200 lines
        for _, record in lines[:200]:
            row = {"event_id": record["event_id"], "gross_revenue": record["amount"]}
            await producer.send_and_wait(topic, json.dumps(row).encode())
    finally:
        await producer.stop()
    stage = StreamStage(ValidatorSettings(kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path))
    await stage.start()
    try:
        await send(kafka_bootstrap, lines)  # the batch comes again
        clean = await read(kafka_bootstrap, topic, 300)
    finally:
        await stage.stop()
    assert len(clean) == 300
    assert len({r["event_id"] for r in clean}) == 300


async def test_lines_sent_again_in_the_next_batches_load_and_dead_letter_once(
    kafka_bootstrap: str, tmp_path: Path, unique_name: str
) -> None:
    """Small batches, each line sent twice a batch or two apart: each loads, or is
    dead-lettered, once."""
    lines = sales(unique_name, 300, 20)
    good, bad = lines[:300], lines[300:]
    await send(
        kafka_bootstrap, good[:150] + bad[:10] + good[:150] + bad[:10] + good[150:] + bad[10:]
    )
    settings = ValidatorSettings(
        kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path, stream_batch_records=100
    )
    stage = StreamStage(settings)
    await stage.start()
    try:
        clean = await read(kafka_bootstrap, f"mauzo.sales-clean.{unique_name}.v1", 300)
        letters = await read(kafka_bootstrap, DEAD_LETTER, 20)
    finally:
        await stage.stop()

    assert sorted(r["event_id"] for r in clean) == sorted(v["event_id"] for _, v in good)
    mine = [e["payload"]["event_id"] for e in letters if e["payload"]["datasource"] == unique_name]
    assert sorted(mine) == sorted(v["event_id"] for _, v in bad)


async def test_a_batch_decided_while_the_one_before_is_published_leaves_out_its_lines(
    tmp_path: Path, unique_name: str
) -> None:
    """The next batch is decided before the one in flight is remembered: the lines that one
    loads or rejects count as handled, so none is published twice."""
    lines = sales(unique_name, 150, 10)
    good, bad = lines[:150], lines[150:]

    def records(chosen: list[tuple[str, dict[str, Any]]]) -> list[ConsumerRecord[bytes, bytes]]:
        return [
            ConsumerRecord(TOPIC, 0, n, 0, 0, k.encode(), json.dumps(v).encode(), None, 0, 0, ())
            for n, (k, v) in enumerate(chosen)
        ]

    settings = ValidatorSettings(kafka_bootstrap="127.0.0.1:9", data_dir=tmp_path)
    stage = StreamStage(settings)
    try:
        in_flight = await stage.decide(records(good[:100] + bad[:5]))
        following = records(good[50:] + bad)
        decided = await stage.decide(following, handled=in_flight.handled())
        alone = await stage.decide(following)
    finally:
        stage.seen.close()

    ids = sorted(decided.outcome.clean["event_id"].to_list())
    assert ids == sorted(v["event_id"] for _, v in good[100:])
    assert sorted(decided.rejected_ids) == sorted(v["event_id"] for _, v in bad[5:])
    assert alone.outcome.clean.height == 100  # what the store alone does not know yet


async def test_clean_rows_keep_their_key_partition_and_order_on_a_partitioned_topic(
    kafka_bootstrap: str, tmp_path: Path, unique_name: str
) -> None:
    """Clean rows go out many to a record: every row of a key still lands on the partition the
    Kafka client's hash of its producer key picks, in the order sent, and the store knows where
    each partition ends."""
    topic = f"mauzo.sales-clean.{unique_name}.v1"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()
    lines = sales(unique_name, 3000, 0)
    stage = StreamStage(ValidatorSettings(kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path))
    await stage.start()
    try:
        await send(kafka_bootstrap, lines)
        placed = await read_placed(kafka_bootstrap, topic, 3000)
        remembered = stage.seen.clean_offsets()
    finally:
        await stage.stop()

    assert len(placed) == 3000
    partitions = [0, 1, 2]
    by_key: dict[bytes, list[tuple[int, int]]] = {}
    for partition, _, row in placed:
        key = row["invoice_id"].encode()  # what the producer keyed it by (sales())
        assert partition == DefaultPartitioner()(key, partitions, partitions)
        by_key.setdefault(key, []).append((partition, int(row["event_id"].rsplit("-", 1)[1])))
    assert {p for p, _, _ in placed} == set(partitions)
    for rows in by_key.values():
        numbers = [n for _, n in rows]
        assert numbers == sorted(numbers)
    records = await read_records(kafka_bootstrap, topic)
    assert len(records) < 3000 / 10  # rows share records
    ends = {p: sum(1 for q in records if q == p) for p in partitions}
    assert {p: remembered[(topic, p)] for p in partitions} == ends


async def read_placed(
    bootstrap: str, topic: str, want: int
) -> list[tuple[int, bytes, dict[str, Any]]]:
    """(partition, key, row) of every record on the topic, in each partition's order."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    out: list[tuple[int, bytes, dict[str, Any]]] = []
    idle = 0.0
    try:
        while idle < 90 and (len(out) < want or idle < 3):
            batch = await consumer.getmany(timeout_ms=500)
            got = [(r.partition, r.key or b"", json.loads(line))
                   for rs in batch.values() for r in rs
                   for line in (r.value or b"").splitlines()]  # fmt: skip
            out += got
            idle = 0.0 if got else idle + 0.5
    finally:
        await consumer.stop()
    return out


async def read_records(bootstrap: str, topic: str) -> list[int]:
    """The partition of every record now on the topic."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    out: list[int] = []
    try:
        while batch := await consumer.getmany(timeout_ms=2000):
            out += [r.partition for rs in batch.values() for r in rs]
    finally:
        await consumer.stop()
    return out
