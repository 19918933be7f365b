"""Streams end to end, as `mauzo up` runs them: a producer that knows only the documented
contract (docs/asyncapi.json, channel SaleEvent) sends 20 000 valid and 200 invalid sale lines;
the validator's stream stage and olap-lite are SIGKILLed mid-stream and restarted by `mauzo up`.
GraphQL's totals equal an independent sum, every invalid line is in the dead-letter topic with its
reason, and sending everything again changes nothing."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack, start_stack

pytestmark = pytest.mark.e2e

TOPIC = "mauzo.sales-events.v1"
DEAD_LETTER = "mauzo.sales-events-dead-letter.v1"
DS = "tills"
VALID, INVALID = 20_000, 200
OVERVIEW = '{ salesOverview(datasource: "tills", compare: false) { netSales lines unitsSold } }'


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack of its own: its processes are killed."""
    running = start_stack(tmp_path_factory.mktemp("streams"))
    wait_until((running.data_dir / "logs" / "stack.json").exists, 10, "the launcher's record")
    yield running
    assert running.stop() == 0


def lines() -> list[tuple[bytes, dict[str, Any]]]:
    out: list[tuple[bytes, dict[str, Any]]] = []
    for i in range(VALID):
        sale = {
            "event_id": f"till-{i}", "datasource": DS,
            "time": f"2025-04-{1 + i % 28:02d}T{8 + i % 12:02d}:{i % 60:02d}:00+03:00",
            "branch": ("Mombasa", "Nairobi CBD", "Kisumu")[i % 3], "product": f"P{i % 40}",
            "product_line": "Home", "salesperson": ("Amina", "Baraka")[i % 2],
            "customer": f"C{i % 500}", "invoice_id": f"INV{i // 4}",
            "quantity": 1 + i % 3, "amount": round(50 + (i % 97) * 1.25, 2), "cost": 30,
        }  # fmt: skip
        out.append((str(sale["invoice_id"]).encode(), sale))
    for j in range(INVALID):
        bad: dict[str, Any] = {"event_id": f"bad-{j}", "datasource": DS, "amount": 10,
                               "time": "2025-04-02T10:00:00+03:00"}  # fmt: skip
        if j % 2:
            bad["amount"] = "lots"
        else:
            bad["time"] = "someday"
        out.append((f"BAD{j}".encode(), bad))
    return out


def pid(stack: RunningStack, name: str) -> int:
    status = json.loads((stack.data_dir / "logs" / "stack.json").read_text())
    return int(next(s for s in status["services"] if s["name"] == name)["pid"])


def restarted(stack: RunningStack, name: str) -> bool:
    status = json.loads((stack.data_dir / "logs" / "stack.json").read_text())
    service = next(s for s in status["services"] if s["name"] == name)
    return bool(service["state"] == "running" and service["restarts"] >= 1)


async def send(
    bootstrap: str, records: list[tuple[bytes, dict[str, Any]]], stack: RunningStack | None
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        for n, (key, value) in enumerate(records):
            await producer.send(TOPIC, json.dumps(value).encode(), key=key)
            if stack is not None and n == len(records) // 3:
                await producer.flush()
                await asyncio.sleep(1.0)  # the stage is mid-stream
                for name in ("validator", "olap-lite"):
                    os.kill(pid(stack, name), signal.SIGKILL)
        await producer.flush()
    finally:
        await producer.stop()


async def letters(bootstrap: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        DEAD_LETTER, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    out: list[dict[str, Any]] = []
    idle = 0.0
    try:
        while idle < 3:
            got = [json.loads(r.value) for rs in (await consumer.getmany(timeout_ms=500)).values()
                   for r in rs if r.value]  # fmt: skip
            out += got
            idle = 0.0 if got else idle + 0.5
    finally:
        await consumer.stop()
    return out


def test_streamed_sales_survive_kills_and_load_exactly_once(own_stack: RunningStack) -> None:
    bootstrap = f"127.0.0.1:{own_stack.port('BROKER')}"
    records = lines()
    net = round(sum(v["amount"] for _, v in records[:VALID]), 2)
    units = sum(v["quantity"] for _, v in records[:VALID])
    asyncio.run(send(bootstrap, records, own_stack))
    wait_until(lambda: restarted(own_stack, "validator") and restarted(own_stack, "olap-lite"),
               120, "both restarted")  # fmt: skip

    def overview() -> dict[str, Any]:
        try:
            answer: dict[str, Any] = own_stack.graphql(OVERVIEW)["salesOverview"]
        except AssertionError:  # not queryable yet: GraphQL answers an error
            return {}
        return answer

    wait_until(lambda: overview().get("lines") == VALID, 240, "every valid line queryable")
    totals = overview()
    assert totals["netSales"] == pytest.approx(net)
    assert totals["unitsSold"] == pytest.approx(units)
    assert own_stack.sql(f'SELECT COUNT(DISTINCT event_id) AS n FROM "{DS}"')[0]["n"] == VALID

    mine = {e["payload"]["event_id"]: e["payload"] for e in asyncio.run(letters(bootstrap))
            if e["payload"].get("datasource") == DS}  # fmt: skip
    assert len(mine) == INVALID
    for _, bad in records[VALID:]:
        letter = mine[bad["event_id"]]
        assert letter["original"] == bad
        want = (
            ("amounts_not_numbers", "amount")
            if bad["amount"] == "lots"
            else ("unparseable_dates", "time")
        )
        assert (letter["error"]["code"], letter["field"]) == want

    asyncio.run(send(bootstrap, records, None))  # everything again
    streams = own_stack.http.get(own_stack.url("TASK_TRACKER") + "/api/streams").json()

    def all_seen() -> bool:
        rows = own_stack.http.get(own_stack.url("TASK_TRACKER") + "/api/streams").json()
        row = next((r for r in rows if r["datasource"] == DS), None)
        return row is not None and row["records_in"] >= 2 * (VALID + INVALID)

    wait_until(all_seen, 120, "the resent lines handled")
    time.sleep(3)  # a supervisor poll or two
    assert overview() == totals
    assert streams
