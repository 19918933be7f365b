"""Issue 14 figures: streamed sale lines, producer → queryable, against a floor; and freshness.

Run: uv run python bench/stream/run.py [--records 200000] [--fresh-rate 1000 --fresh-seconds 20]

Throughput: one stack as `mauzo up` starts it; N contract events are produced as fast as one
aiokafka producer can (whole batches with `send_batch`); the time runs from the first send until
olap-lite's SQL counts N rows of the datasource (validated by the stream stage, written to the
clean topic, loaded by the Kafka supervisor). The CPU seconds each process of the stack spent in
that time are printed too (from /proc), to show which one limits. The floor, in the same run:
one aiokafka consumer reads the same N events from the same topic and appends them to DuckDB
(JSON decoded with Polars, inserted as Arrow), from start to N rows. Freshness: events at a
steady rate; every 0.1 s the cumulative count sent is noted, and GraphQL's
`salesOverview.lines` is polled; a sample's freshness is how long after it was sent the answer
first counted it. Prints median / p95 and the machine's load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from mauzo_common.testing.stack import RunningStack, leftover_processes, start_stack

TOPIC = "mauzo.sales-events.v1"


def event(i: int, datasource: str, run: str) -> bytes:
    return json.dumps({
        "event_id": f"{run}-{i}", "datasource": datasource,
        "time": f"2025-04-{1 + i % 28:02d}T{8 + i % 12:02d}:{i % 60:02d}:00+03:00",
        "branch": ("Mombasa", "Nairobi CBD", "Kisumu")[i % 3], "product": f"P{i % 40}",
        "product_line": "Home", "salesperson": ("Amina", "Baraka")[i % 2],
        "customer": f"C{i % 500}", "invoice_id": f"INV{i // 4}",
        "quantity": 1 + i % 3, "amount": 50 + (i % 97) * 1.25, "cost": 30,
    }).encode()  # fmt: skip


async def produce(bootstrap: str, values: list[bytes]) -> None:
    """As fast as one aiokafka producer goes: whole batches (`send_batch`), partitions in turn."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=1 << 20)
    await producer.start()
    try:
        partitions = sorted(await producer.partitions_for(TOPIC))
        futures = []
        batch, turn = producer.create_batch(), 0
        for value in values:
            if batch.append(key=None, value=value, timestamp=None) is None:
                partition = partitions[turn % len(partitions)]
                futures.append(await producer.send_batch(batch, TOPIC, partition=partition))
                batch, turn = producer.create_batch(), turn + 1
                batch.append(key=None, value=value, timestamp=None)
        partition = partitions[turn % len(partitions)]
        futures.append(await producer.send_batch(batch, TOPIC, partition=partition))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def floor(bootstrap: str, want: int, db: Path) -> float:
    """One consumer, same topic from its start, appending to DuckDB until `want` rows."""
    con = duckdb.connect(str(db))
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
        fetch_max_wait_ms=50, max_partition_fetch_bytes=8 << 20,
    )  # fmt: skip
    started = time.perf_counter()
    await consumer.start()
    rows = 0
    try:
        while rows < want:
            fetched = await consumer.getmany(timeout_ms=500, max_records=50_000)
            values = [r.value for rs in fetched.values() for r in rs if r.value]
            if not values:
                continue
            frame = pl.read_ndjson(b"\n".join(values))
            arrow = frame.to_arrow()  # noqa: F841 - read by DuckDB's replacement scan
            if rows == 0:
                con.execute("CREATE TABLE sales AS SELECT * FROM arrow")
            else:
                con.execute("INSERT INTO sales SELECT * FROM arrow")
            rows += frame.height
    finally:
        await consumer.stop()
        con.close()
    return time.perf_counter() - started


def count(stack: RunningStack, datasource: str) -> int:
    try:
        return int(stack.sql(f'SELECT COUNT(*) AS n FROM "{datasource}"')[0]["n"])
    except Exception:
        return 0


def cpu_seconds(stack: RunningStack) -> dict[str, float]:
    """CPU time (user + system) so far of each process of the stack, by its command line."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    for pid in leftover_processes(stack):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        name = " ".join(a.decode() for a in argv[:3] if a)[-60:] + f" [{pid}]"
        found[name] = (int(fields[11]) + int(fields[12])) / tick
    return found


def throughput(stack: RunningStack, bootstrap: str, records: int, tmp: Path) -> tuple[float, float]:
    values = [event(i, "bench_tp", "tp") for i in range(records)]
    before = cpu_seconds(stack)
    started = time.perf_counter()
    asyncio.run(produce(bootstrap, values))
    produced = time.perf_counter() - started
    while count(stack, "bench_tp") < records:
        time.sleep(0.05)
    pipeline = time.perf_counter() - started
    after = cpu_seconds(stack)
    print(f"produced in {produced:.2f}s; CPU seconds per process while streaming {pipeline:.2f}s:")
    for name, spent in sorted(after.items(), key=lambda kv: -(kv[1] - before.get(kv[0], 0))):
        if spent - before.get(name, 0) >= 0.05:
            print(f"  {spent - before.get(name, 0):7.2f}  {name}")
    return pipeline, asyncio.run(floor(bootstrap, records, tmp / "floor.duckdb"))


def freshness(stack: RunningStack, bootstrap: str, rate: int, seconds: float) -> list[float]:
    query = '{ salesOverview(datasource: "bench_fresh", compare: false) { lines } }'
    warm = [event(i, "bench_fresh", "warm") for i in range(10)]
    asyncio.run(produce(bootstrap, warm))
    while count(stack, "bench_fresh") < 10:
        time.sleep(0.05)
    sent: list[tuple[float, int]] = []  # (when, cumulative count after it)
    seen: list[tuple[float, int]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            try:
                answer: Any = stack.graphql(query)
            except AssertionError:
                answer = {}
            lines = (answer.get("salesOverview") or {}).get("lines")
            seen.append((time.monotonic(), int(lines or 0) - 10))
            time.sleep(0.02)

    async def steady() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=1)
        await producer.start()
        try:
            started, n, per_tick = time.monotonic(), 0, max(1, rate // 10)
            while time.monotonic() - started < seconds:
                futures = [await producer.send(TOPIC, event(n + k, "bench_fresh", "fr"))
                           for k in range(per_tick)]  # fmt: skip
                await asyncio.gather(*futures)
                n += per_tick
                sent.append((time.monotonic(), n))
                await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        finally:
            await producer.stop()

    poller = threading.Thread(target=poll)
    poller.start()
    asyncio.run(steady())
    total = sent[-1][1]
    deadline = time.monotonic() + 30
    while (not seen or seen[-1][1] < total) and time.monotonic() < deadline:
        time.sleep(0.05)
    done.set()
    poller.join()
    delays = []
    for when, cumulative in sent:
        shown = next((t for t, c in seen if c >= cumulative and t >= when), None)
        if shown is not None:
            delays.append(shown - when)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--fresh-rate", type=int, default=1000)
    parser.add_argument("--fresh-seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-stream-") as tmp:
        root = Path(tmp)
        stack = start_stack(root / "stack")
        bootstrap = f"127.0.0.1:{stack.port('BROKER')}"
        try:
            load_before = os.getloadavg()
            pipeline, floor_s = throughput(stack, bootstrap, args.records, root)
            delays = freshness(stack, bootstrap, args.fresh_rate, args.fresh_seconds)
            load_after = os.getloadavg()
        finally:
            stack.stop()
    print(
        f"producer -> queryable, {args.records:,} records: {pipeline:.2f}s "
        f"({args.records / pipeline:,.0f} records/s); floor (aiokafka -> DuckDB) {floor_s:.2f}s "
        f"({args.records / floor_s:,.0f} records/s); ratio {pipeline / floor_s:.2f}"
    )
    if delays:
        p95 = statistics.quantiles(delays, n=20)[-1] if len(delays) >= 20 else max(delays)
        print(
            f"freshness at {args.fresh_rate}/s for {args.fresh_seconds:.0f}s (produce -> GraphQL): "
            f"p50 {statistics.median(delays):.2f}s, p95 {p95:.2f}s over {len(delays)} samples"
        )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")


if __name__ == "__main__":
    main()
