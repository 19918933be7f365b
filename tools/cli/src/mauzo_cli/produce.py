"""`mauzo produce`: a sales file's rows as sale events on `mauzo.sales-events.v1`.

The file is read and mapped exactly as a drop would be: the validator converts it into events in
the producer contract (`POST /api/ingest/sale-events`), and this publishes them, paced when asked.
Rows the file rules refuse are counted, not sent; producing the same file again loads nothing
twice (event ids come from the file's hash). Also the demo producer `mauzo up --demo` runs: a few
random sales a second.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import polars as pl
from aiokafka import AIOKafkaProducer

from mauzo_common.events import SALES_EVENTS_TOPIC

CHUNK = 5000


@dataclass(frozen=True)
class Produced:
    rows_read: int
    published: int
    refused: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.published / self.seconds if self.seconds else 0.0


class FileRefused(Exception):
    """The file rules refuse the whole file (the same answer a drop would get)."""


def sale_events(
    validator_url: str, path: Path, datasource: str, auth: httpx.Auth | None = None
) -> tuple[pl.DataFrame, int, int]:
    """The validator maps and checks the file as for a drop and answers contract events."""
    with path.open("rb") as handle:
        answer = httpx.post(
            f"{validator_url}/api/ingest/sale-events",
            files={"file": (path.name, handle)},
            data={"datasource": datasource},
            timeout=600,
            auth=auth,
        )
    if answer.status_code != 200:
        try:
            error = answer.json()["error"]
            raise FileRefused(f"{error['code']}: {error['message']}")
        except (ValueError, KeyError):
            raise FileRefused(f"validator answered {answer.status_code}") from None
    text = answer.content
    events = pl.read_ndjson(text) if text.strip() else pl.DataFrame()
    return events, int(answer.headers["x-rows-read"]), int(answer.headers["x-rows-refused"])


async def publish_events(
    bootstrap: str, events: pl.DataFrame, *, rate: float | None = None
) -> float:
    """Send every event (key: its invoice id, else its event id), paced to `rate` a second."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=1 << 20)
    await producer.start()
    started = time.monotonic()
    try:
        step = max(1, min(CHUNK, int(rate or CHUNK)))
        sent = 0
        for offset in range(0, events.height, step):
            chunk = events.slice(offset, step)
            keys = (
                chunk["invoice_id"].fill_null(chunk["event_id"])
                if "invoice_id" in chunk.columns
                else chunk["event_id"]
            )
            values = chunk.write_ndjson().splitlines()
            futures = [
                await producer.send(SALES_EVENTS_TOPIC, v.encode(), key=str(k).encode())
                for k, v in zip(keys, values, strict=True)
            ]
            await asyncio.gather(*futures)
            sent += chunk.height
            if rate:
                ahead = sent / rate - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
    finally:
        await producer.stop()
    return time.monotonic() - started


def produce_file(
    bootstrap: str,
    validator_url: str,
    path: Path,
    datasource: str,
    *,
    rate: float | None = None,
    auth: httpx.Auth | None = None,
) -> Produced:
    events, read, refused = sale_events(validator_url, path, datasource, auth)
    seconds = asyncio.run(publish_events(bootstrap, events, rate=rate))
    return Produced(read, events.height, refused, seconds)


BRANCHES = ("Nairobi CBD", "Mombasa", "Kisumu", "Nakuru", "Eldoret")
PRODUCTS = (("Bread", "Bakery", 60.0), ("Milk 500ml", "Dairy", 65.0), ("Soap", "Home", 120.0),
            ("Tea 250g", "Beverages", 180.0), ("Sugar 1kg", "Groceries", 200.0))  # fmt: skip
PEOPLE = ("Amina", "Baraka", "Chebet", "Kamau", "Wanjiru")


class DemoProducer:
    """A till that sells a few lines a second to the `sales` datasource until stopped."""

    def __init__(self, bootstrap: str, datasource: str = "sales", per_second: float = 3) -> None:
        self.bootstrap = bootstrap
        self.datasource = datasource
        self.per_second = per_second
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-producer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        rng = random.Random()  # noqa: S311 - demo data, not security
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap)
        await producer.start()
        try:
            while not self._stop.is_set():
                event = self._sale(rng)
                await producer.send_and_wait(
                    SALES_EVENTS_TOPIC, pl.DataFrame([event]).write_ndjson().encode(),
                    key=str(event["invoice_id"]).encode(),
                )  # fmt: skip
                self.sent += 1
                await asyncio.sleep(rng.expovariate(self.per_second))
        finally:
            await producer.stop()

    def _sale(self, rng: random.Random) -> dict[str, object]:
        product, line, price = rng.choice(PRODUCTS)
        quantity = rng.randint(1, 5)
        invoice = f"LIVE-{time.time_ns()}"
        return {
            "event_id": invoice, "datasource": self.datasource,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "branch": rng.choice(BRANCHES), "product": product, "product_line": line,
            "salesperson": rng.choice(PEOPLE), "customer": f"Walk-in {rng.randint(1, 400)}",
            "invoice_id": invoice, "quantity": quantity, "amount": price * quantity,
            "cost": round(price * quantity * 0.7, 2),
        }  # fmt: skip
