"""Recovery on a real broker and database: a registered load whose FileUploaded never arrived
(the broker restarted, upload died after registering) is published again from the task table,
with backoff, and failed with a reason once the attempts are spent; a user's re-drop restarts it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from mauzo_common.events import Envelope, FileUploaded, ValidationStarted
from mauzo_common.file_kinds import FileKind
from mauzo_common.testing.components import free_port, port_open, tansu_command, wait_until
from mauzo_common.testing.events import publish_events
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

pytestmark = pytest.mark.kafka


def tracker_with(
    serve: Any, kafka_bootstrap: str, database_url: str, data_dir: Path, **settings: Any
) -> Any:
    return serve(
        create_app(
            TrackerSettings(
                kafka_bootstrap=kafka_bootstrap,
                database_url=database_url,
                data_dir=data_dir,
                druid_overlord_url=f"http://127.0.0.1:{free_port()}",
                overlord_poll_seconds=0.2,
                **settings,
            )
        )
    )


def register(tracker: str, task_id: str) -> None:
    response = httpx.post(
        f"{tracker}/api/ingest/tasks",
        json={
            "task_id": task_id,
            "datasource": "recovered",
            "file_name": "sales.xlsx",
            "object_key": f"uploads/recovered/{task_id}/sales.xlsx",
            "size_bytes": 1234,
            "sha256": uuid.uuid4().hex * 2,
            "mapping": {"amount": "Total"},
            "options": {"day_first": "true"},
            "file_kind": "xlsx",
        },
    )
    assert response.status_code == 201, response.text


def state_of(tracker: str, task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{tracker}/api/ingest/status/{task_id}").json()
    return body


async def uploaded_events(bootstrap: str, task_id: str, wait_s: float) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        FileUploaded.topic(),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=f"reader-{uuid.uuid4().hex}",
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = asyncio.get_running_loop().time() + wait_s
        while asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                found += [
                    body
                    for body in (json.loads(r.value) for r in records)
                    if body["task_id"] == task_id
                ]
    finally:
        await consumer.stop()
    return found


@pytest.fixture(scope="module")
def impatient(serve: Any, kafka_bootstrap: str, database_url: str, data_dir: Path) -> Iterator[str]:
    """A tracker that replays a quiet load after 0.5 s, twice at most."""
    with tracker_with(
        serve,
        kafka_bootstrap,
        database_url,
        data_dir,
        reconcile_stale_seconds=0.5,
        reconcile_max_attempts=2,
    ) as served:
        yield served.url


async def test_a_load_whose_event_was_lost_is_published_again_then_failed_with_a_reason(
    impatient: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(impatient, task_id)

    await asyncio.to_thread(
        wait_until, lambda: state_of(impatient, task_id)["state"] == "failed", 30, "gave up"
    )
    replays = await uploaded_events(kafka_bootstrap, task_id, 3)

    assert len(replays) == 2, "one replay per attempt, no more"
    replay = Envelope[FileUploaded].model_validate(replays[0])
    assert replay.producer == "task-tracker"
    assert replay.payload.file_kind is FileKind.XLSX
    assert replay.payload.object_key == f"uploads/recovered/{task_id}/sales.xlsx"
    assert replay.payload.mapping == {"amount": "Total"}
    assert replay.payload.options == {"day_first": "true"}
    failed = state_of(impatient, task_id)
    assert failed["error"]["code"] == "stalled"
    assert "after 2 restarts" in failed["error"]["message"]
    assert failed["error"]["hint"].startswith("Drop the file again")


def replays_counted(tracker: str) -> float:
    for line in httpx.get(f"{tracker}/metrics").text.splitlines():
        if line.startswith("mauzo_tasks_replayed_total "):
            return float(line.split()[1])
    return 0.0


async def test_a_load_that_keeps_moving_is_left_alone(impatient: str, kafka_bootstrap: str) -> None:
    """Each event changes its row, so it is never quiet for the 0.5 s that would replay it."""
    task_id = uuid.uuid4().hex
    register(impatient, task_id)
    before = replays_counted(impatient)
    for _ in range(12):  # 2.4 s of events, about five quiet periods
        started = Envelope.wrap(
            ValidationStarted(datasource="recovered"), task_id=task_id, producer="validator"
        )
        await asyncio.to_thread(publish_events, kafka_bootstrap, started)
        await asyncio.sleep(0.2)
    assert replays_counted(impatient) == before
    assert state_of(impatient, task_id)["state"] == "validating"


def start_broker(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(tansu_command(port), stdout=subprocess.DEVNULL)
    wait_until(lambda: port_open(port), 20, "Tansu up")
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait()


async def test_a_broker_outage_does_not_use_up_a_stalled_loads_attempts(
    serve: Any, database_url: str, data_dir: Path
) -> None:
    """Replays the broker never took are not counted: a load is not failed as stalled while the
    broker is away for longer than its attempts last, and each of its attempts reaches the
    broker once it is back."""
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    broker = start_broker(port)
    try:
        # 0.5 s then 1 s: were the refused replays counted, it would fail within ~2 s.
        with tracker_with(
            serve,
            bootstrap,
            database_url,
            data_dir,
            reconcile_stale_seconds=0.5,
            reconcile_max_attempts=2,
            publish_timeout_seconds=0.5,
        ) as served:
            task_id = uuid.uuid4().hex
            stop(broker)
            register(served.url, task_id)
            await asyncio.sleep(5)
            assert state_of(served.url, task_id)["state"] == "received"

            broker = start_broker(port)
            await asyncio.to_thread(
                wait_until,
                lambda: state_of(served.url, task_id)["state"] == "failed",
                30,
                "its two attempts spent",
            )
            replays = await uploaded_events(bootstrap, task_id, 3)
            assert len(replays) == 2, "every attempt it was given reached the broker"
            assert "after 2 restarts" in state_of(served.url, task_id)["error"]["message"]
    finally:
        stop(broker)
