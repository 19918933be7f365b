"""`mauzo produce`: a CSV mapped by the running validator, published as sale events on the real
broker, validated by the stream stage; producing it again loads nothing twice."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from mauzo_cli.produce import DemoProducer, FileRefused, produce_file
from mauzo_common.auth.principal import Role
from mauzo_common.events import SaleEvent
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.services import Served
from mauzo_validator.app import create_app
from mauzo_validator.settings import ValidatorSettings

ADMIN = auth(Role.ADMIN)  # the validator's route takes an uploader or more

pytestmark = pytest.mark.kafka

HEADER = "Invoice Date,Branch,Item,Category,Sales Rep,Customer,Invoice No,Qty,Total,Cost\n"


def write_csv(path: Path, rows: int) -> float:
    lines, total = [HEADER], 0.0
    for i in range(rows):
        amount = 100 + i % 9 if i % 10 else -(50 + i % 3)  # every tenth line a return
        total += amount
        qty = 1 if amount > 0 else -1
        when = f"{1 + i % 28:02d}/03/2024 10:{i % 60:02d}"
        money = f'"{amount:,.2f}",{abs(amount) * 0.6:.2f}'
        lines.append(f"{when},Mombasa,P{i % 7},Home,Amina,C{i % 40},INV{i // 2},{qty},{money}\n")
    lines.append("not a date,Mombasa,P1,Home,Amina,C1,INVX,1,100,60\n")  # refused by the rules
    path.write_text("".join(lines))
    return total


async def clean_rows(bootstrap: str, topic: str, want: int) -> list[dict[str, Any]]:
    """Every JSON object on the topic (a clean topic's record holds many, one per line)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    out: list[dict[str, Any]] = []
    idle = 0.0
    try:
        while idle < 90 and (len(out) < want or idle < 3):
            got = [json.loads(line) for rs in (await consumer.getmany(timeout_ms=500)).values()
                   for r in rs for line in (r.value or b"").splitlines()]  # fmt: skip
            out += got
            idle = 0.0 if got else idle + 0.5
    finally:
        await consumer.stop()
    return out


def test_produce_publishes_each_row_mapped_as_a_drop_and_twice_loads_once(
    kafka_bootstrap: str, tmp_path: Path, unique_name: str
) -> None:
    settings = ValidatorSettings(kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path / "v")
    csv = tmp_path / "till.csv"
    total = write_csv(csv, 300)
    with Served(create_app(settings)) as validator:
        first = produce_file(kafka_bootstrap, validator.url, csv, unique_name, auth=ADMIN)
        again = produce_file(
            kafka_bootstrap, validator.url, csv, unique_name, rate=2000, auth=ADMIN
        )
        rows = asyncio.run(clean_rows(kafka_bootstrap, f"mauzo.sales-clean.{unique_name}.v1", 300))
        (tmp_path / "bad.csv").write_text("branch,amount\nMombasa,100\n")
        with pytest.raises(FileRefused, match="no_time_column"):
            produce_file(
                kafka_bootstrap, validator.url, tmp_path / "bad.csv", unique_name, auth=ADMIN
            )

    assert (first.rows_read, first.published, first.refused) == (301, 300, 1)
    assert again.published == 300
    assert len(rows) == 300  # the second run's events were all seen before
    net = sum(r["gross_revenue"] + r["returns_value"] for r in rows)
    assert net == pytest.approx(total)
    assert sum(r["units_returned"] for r in rows) == 30


def test_the_demo_till_sends_contract_events_a_few_a_second(
    kafka_bootstrap: str, unique_name: str
) -> None:
    demo = DemoProducer(kafka_bootstrap, datasource=unique_name, per_second=20)
    demo.start()
    wait_until(lambda: demo.sent >= 5, 30, "five demo sales")
    demo.stop()
    sent = asyncio.run(clean_rows(kafka_bootstrap, "mauzo.sales-events.v1", 0))
    mine = [SaleEvent.model_validate(e) for e in sent if e.get("datasource") == unique_name]
    assert len(mine) == demo.sent
    assert all(e.amount and float(e.amount) > 0 for e in mine)
