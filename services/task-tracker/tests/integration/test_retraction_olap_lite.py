"""DELETE /api/ingest/tasks/{id}/data against olap-lite as a subprocess: two uploads share the
same days, one is retracted, and what is left is exactly the other one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from processed_uploads import START, write_upload

from mauzo_common.auth.principal import Role
from mauzo_common.events import (
    ColumnInfo,
    Envelope,
    FileValidated,
    IngestionSubmitted,
    Payload,
)
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.druid import parquet_index_spec
from mauzo_common.testing.events import publish_events
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka
DS = f"retract_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def tracker(
    kafka_bootstrap: str, olap_lite: str, serve: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("tracker"),
        druid_overlord_url=olap_lite,
        druid_router_url=olap_lite,
        overlord_poll_seconds=0.2,
    )
    with serve(create_app(settings)) as served:
        yield served.url


def load_spec(druid_task_id: str, path: Path) -> dict[str, Any]:
    return parquet_index_spec(
        druid_task_id,
        DS,
        [path],
        dimensions=["branch", "upload_id"],
        metrics=["gross_revenue"],
        intervals=["2024-03-01/2024-03-04"],
    )


def send(bootstrap: str, task_id: str, *payloads: Payload) -> None:
    publish_events(
        bootstrap, *(Envelope.wrap(p, task_id=task_id, producer="test") for p in payloads)
    )


def status(tracker: str, task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{tracker}/api/ingest/status/{task_id}", auth=ADMIN).json()
    return body


def load(tracker: str, olap_lite: str, bootstrap: str, folder: Path, revenues: list[float]) -> str:
    """One upload through the real Overlord API, announced to the tracker as the pipeline does."""
    task_id = uuid.uuid4().hex
    druid_task_id = f"mauzo_{DS}_{task_id}"
    path = write_upload(folder, task_id, revenues)
    response = httpx.post(
        f"{olap_lite}/druid/indexer/v1/task",
        json=load_spec(druid_task_id, path),
        auth=druid_basic(),
    )
    assert response.status_code == 200, response.text
    columns = [
        ColumnInfo(name="branch", type="string", role="dimension"),
        ColumnInfo(name="upload_id", type="string", role="dimension"),
        ColumnInfo(name="gross_revenue", type="double", role="metric"),
    ]
    end = START + timedelta(hours=9 * (len(revenues) - 1), milliseconds=1)
    send(
        bootstrap,
        task_id,
        FileValidated(
            datasource=DS,
            processed_keys=[str(path)],
            row_count=len(revenues),
            columns=columns,
            interval_start=START,
            interval_end=end,
        ),
        IngestionSubmitted(datasource=DS, druid_task_id=druid_task_id, expected_rows=len(revenues)),
    )
    wait_until(lambda: status(tracker, task_id).get("state") == "succeeded", 60, "load succeeded")
    return task_id


def totals(olap_lite: str) -> list[Any]:
    response = httpx.post(
        f"{olap_lite}/druid/v2/sql",
        auth=druid_basic(),
        json={
            "query": f'SELECT COUNT(*), SUM(gross_revenue), COUNT(DISTINCT upload_id) FROM "{DS}"',
            "resultFormat": "array",
            "context": {"useApproximateCountDistinct": False},
        },
    )
    assert response.status_code == 200, response.text
    row: list[Any] = response.json()[0]
    return row


def test_retracting_an_upload_leaves_exactly_the_other_uploads_rows(
    tracker: str, olap_lite: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    kept = load(tracker, olap_lite, kafka_bootstrap, tmp_path, [10.0, 20.0, 30.0, 40.0])
    gone = load(tracker, olap_lite, kafka_bootstrap, tmp_path, [1.0, 2.0, 3.0])
    assert totals(olap_lite) == [7, 106.0, 2]

    response = httpx.delete(f"{tracker}/api/ingest/tasks/{gone}/data", auth=ADMIN)
    assert response.status_code == 202, response.text
    retraction = response.json()
    assert retraction["kind"] == "retraction"
    assert retraction["retracts_task_id"] == gone
    assert retraction["task_id"] not in (gone, kept)
    assert retraction["druid_task_id"] == f"mauzo_retract_{DS}_{retraction['task_id']}"

    wait_until(
        lambda: status(tracker, retraction["task_id"]).get("state") == "succeeded",
        60,
        "retraction succeeded",
    )
    assert status(tracker, gone)["state"] == "retracted"
    assert [h["state"] for h in status(tracker, gone)["history"]][-1] == "retracted"
    assert status(tracker, kept)["state"] == "succeeded"
    assert status(tracker, retraction["task_id"])["rows_ingested"] == 4  # the rows kept
    assert totals(olap_lite) == [4, 100.0, 1]


def test_only_a_succeeded_upload_can_be_retracted(
    tracker: str, olap_lite: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    missing = httpx.delete(f"{tracker}/api/ingest/tasks/{uuid.uuid4().hex}/data", auth=ADMIN)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "task_not_found"

    task_id = load(tracker, olap_lite, kafka_bootstrap, tmp_path, [5.0])
    first = httpx.delete(f"{tracker}/api/ingest/tasks/{task_id}/data", auth=ADMIN).json()
    wait_until(
        lambda: status(tracker, first["task_id"]).get("state") == "succeeded", 60, "retracted"
    )
    again = httpx.delete(f"{tracker}/api/ingest/tasks/{task_id}/data", auth=ADMIN)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "task_not_retractable"
    of_a_retraction = httpx.delete(
        f"{tracker}/api/ingest/tasks/{first['task_id']}/data", auth=ADMIN
    )
    assert of_a_retraction.status_code == 409
