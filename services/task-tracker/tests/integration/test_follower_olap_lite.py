"""The Overlord follower against a real Overlord-compatible server: olap-lite as a subprocess
(the `olap_lite` fixture, which skips with the reason when it cannot start)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from mauzo_common.auth.principal import Role
from mauzo_common.events import Envelope, IngestionCompleted, IngestionSubmitted
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.druid import parquet_index_spec
from mauzo_common.testing.events import publish_events
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka
DS = "follower_sales"
ROWS = 40


@pytest.fixture(scope="module")
def tracker(
    kafka_bootstrap: str, olap_lite: str, serve: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("tracker"),
        druid_overlord_url=olap_lite,
        overlord_poll_seconds=0.2,
        overlord_missing_grace_seconds=3,
    )
    with serve(create_app(settings)) as served:
        yield served.url


@pytest.fixture(scope="module")
def parquet_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    start = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp() * 1000)
    table = pa.table(
        {
            "__time": pa.array(
                [start + i * 60_000 for i in range(ROWS)], pa.timestamp("ms", "UTC")
            ),
            "branch": [f"b{i % 3}" for i in range(ROWS)],
            "gross_revenue": [float(i) for i in range(ROWS)],
        }
    )
    path = tmp_path_factory.mktemp("processed") / "part-0.parquet"
    pq.write_table(table, path)
    return path


def spec(druid_task_id: str, path: Path) -> dict[str, Any]:
    return parquet_index_spec(
        druid_task_id,
        DS,
        [path],
        dimensions=["branch"],
        metrics=["gross_revenue"],
        intervals=["2024-03-01/2024-03-02"],
    )


def submit(olap_lite: str, druid_task_id: str, path: Path) -> None:
    response = httpx.post(
        f"{olap_lite}/druid/indexer/v1/task", json=spec(druid_task_id, path), auth=druid_basic()
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"task": druid_task_id}


def announce(bootstrap: str, task_id: str, druid_task_id: str, expected_rows: int) -> None:
    payload = IngestionSubmitted(
        datasource=DS, druid_task_id=druid_task_id, expected_rows=expected_rows
    )
    publish_events(bootstrap, Envelope.wrap(payload, task_id=task_id, producer="spec-builder"))


def completions(bootstrap: str, task_id: str, quiet_seconds: float = 3.0) -> list[dict[str, Any]]:
    """Every IngestionCompleted for the task, read until the topic stays quiet for a while."""

    async def run() -> list[dict[str, Any]]:
        # No group (nothing to join): read the single partition from the start.
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        partition = TopicPartition(IngestionCompleted.topic(), 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        found: list[dict[str, Any]] = []
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            quiet_until = None
            while loop.time() < deadline and (quiet_until is None or loop.time() < quiet_until):
                batch = await consumer.getmany(timeout_ms=300)
                for records in batch.values():
                    for record in records:
                        body = json.loads(record.value)
                        if body["task_id"] == task_id:
                            found.append(body)
                            quiet_until = loop.time() + quiet_seconds
        finally:
            await consumer.stop()
        return found

    return asyncio.run(run())


def state_of(tracker: str, task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{tracker}/api/ingest/status/{task_id}", auth=ADMIN).json()
    return body


def test_a_loaded_task_succeeds_and_is_announced_exactly_once(
    tracker: str, olap_lite: str, kafka_bootstrap: str, parquet_file: Path
) -> None:
    task_id = uuid.uuid4().hex
    druid_task_id = f"mauzo_{DS}_{task_id}"
    submit(olap_lite, druid_task_id, parquet_file)
    announce(kafka_bootstrap, task_id, druid_task_id, ROWS)
    wait_until(lambda: state_of(tracker, task_id).get("state") == "succeeded", 60, "succeeded")
    status = state_of(tracker, task_id)
    assert status["rows_ingested"] == ROWS
    assert status["error"] is None
    events = completions(kafka_bootstrap, task_id)
    assert len(events) == 1
    assert events[0]["payload"]["status"] == "succeeded"
    assert events[0]["payload"]["row_stats"]["processed"] == ROWS


def test_a_row_count_that_does_not_add_up_fails_the_task(
    tracker: str, olap_lite: str, kafka_bootstrap: str, parquet_file: Path
) -> None:
    task_id = uuid.uuid4().hex
    druid_task_id = f"mauzo_{DS}_{task_id}"
    submit(olap_lite, druid_task_id, parquet_file)
    announce(kafka_bootstrap, task_id, druid_task_id, ROWS + 1)
    wait_until(lambda: state_of(tracker, task_id).get("state") == "failed", 60, "failed")
    error = state_of(tracker, task_id)["error"]
    assert error["code"] == "row_count_mismatch"
    assert completions(kafka_bootstrap, task_id)[0]["payload"]["status"] == "failed"


def test_a_task_the_overlord_never_heard_of_fails_after_the_grace(
    tracker: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    announce(kafka_bootstrap, task_id, f"mauzo_{DS}_{task_id}", ROWS)
    wait_until(lambda: state_of(tracker, task_id).get("state") == "failed", 30, "failed")
    assert state_of(tracker, task_id)["error"]["code"] == "druid_task_not_found"


def druid_state(olap_lite: str, druid_task_id: str) -> str | None:
    response = httpx.get(
        f"{olap_lite}/druid/indexer/v1/task/{druid_task_id}/status", auth=druid_basic()
    )
    if response.status_code != 200:
        return None
    return str(response.json()["status"]["status"])


def test_a_failed_druid_task_is_submitted_again_and_its_rows_load_once(
    tracker: str, olap_lite: str, kafka_bootstrap: str, parquet_file: Path, tmp_path: Path
) -> None:
    """As after olap-lite died mid-task: the first attempt fails, a later one loads the rows."""
    task_id = uuid.uuid4().hex
    druid_task_id = f"mauzo_{DS}_{task_id}"
    flaky = tmp_path / "part-0.parquet"
    flaky.write_bytes(b"not parquet yet")
    submit(olap_lite, druid_task_id, flaky)
    announce(kafka_bootstrap, task_id, druid_task_id, ROWS)
    wait_until(lambda: druid_state(olap_lite, druid_task_id) == "FAILED", 60, "first attempt")
    flaky.write_bytes(parquet_file.read_bytes())

    wait_until(lambda: state_of(tracker, task_id).get("state") == "succeeded", 60, "a retry")
    status = state_of(tracker, task_id)
    assert status["rows_ingested"] == ROWS
    assert status["druid_task_id"] in {f"{druid_task_id}-retry1", f"{druid_task_id}-retry2"}
    events = completions(kafka_bootstrap, task_id)
    assert [e["payload"]["status"] for e in events] == ["succeeded"]


def test_a_druid_task_that_keeps_failing_fails_the_load_after_the_retries(
    tracker: str, olap_lite: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    task_id = uuid.uuid4().hex
    druid_task_id = f"mauzo_{DS}_{task_id}"
    broken = tmp_path / "part-0.parquet"
    broken.write_bytes(b"never parquet")
    submit(olap_lite, druid_task_id, broken)
    announce(kafka_bootstrap, task_id, druid_task_id, ROWS)
    wait_until(lambda: state_of(tracker, task_id).get("state") == "failed", 60, "failed")
    status = state_of(tracker, task_id)
    assert status["druid_task_id"] == f"{druid_task_id}-retry2", "two retries, then it stops"
    assert status["error"]["code"] == "druid_task_failed"
    assert druid_state(olap_lite, f"{druid_task_id}-retry3") is None
