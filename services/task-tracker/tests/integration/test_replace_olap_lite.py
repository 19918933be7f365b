"""replace=true against olap-lite as a subprocess and a real broker: the same file loaded twice,
the second time with replace=true, leaves one copy of its rows, the second one's."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from processed_uploads import START, write_upload

from mauzo_common.auth.principal import Role
from mauzo_common.db import make_engine
from mauzo_common.events import (
    ColumnInfo,
    Envelope,
    FileValidated,
    IngestionCompleted,
    IngestionSubmitted,
    Payload,
)
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.druid import parquet_index_spec
from mauzo_common.testing.events import publish_events
from mauzo_common.uploads import UploadRegistration
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.follower import completion_event_id
from mauzo_task_tracker.lifecycle import PRODUCER
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka
COLUMNS = [
    ColumnInfo(name="branch", type="string", role="dimension"),
    ColumnInfo(name="upload_id", type="string", role="dimension"),
    ColumnInfo(name="gross_revenue", type="double", role="metric"),
]


def settings_for(data_dir: Path, kafka_bootstrap: str, olap_lite: str) -> TrackerSettings:
    return TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=data_dir,
        druid_overlord_url=olap_lite,
        druid_router_url=olap_lite,
        overlord_poll_seconds=0.2,
    )


@pytest.fixture
def tracker(
    kafka_bootstrap: str, olap_lite: str, serve: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Per test: the restart test runs a tracker of its own, and two trackers in one consumer group
    at once upset the test broker."""
    settings = settings_for(tmp_path_factory.mktemp("tracker"), kafka_bootstrap, olap_lite)
    with serve(create_app(settings)) as served:
        yield served.url


def registration(ds: str, sha: str, *, replace: bool) -> UploadRegistration:
    task_id = uuid.uuid4().hex
    return UploadRegistration(
        task_id=task_id,
        datasource=ds,
        file_name="sales.csv",
        object_key=f"uploads/{ds}/{task_id}/sales.csv",
        size_bytes=1234,
        sha256=sha,
        options={"day_first": "true"} if replace else None,
        replace=replace,
    )


def run_load(olap_lite: str, ds: str, task_id: str, path: Path) -> str:
    """The load's ingestion task on the real Overlord API; its Druid task id."""
    druid_task_id = f"mauzo_{ds}_{task_id}"
    spec = parquet_index_spec(
        druid_task_id,
        ds,
        [path],
        dimensions=["branch", "upload_id"],
        metrics=["gross_revenue"],
        intervals=["2024-03-01/2024-03-04"],
    )
    response = httpx.post(f"{olap_lite}/druid/indexer/v1/task", json=spec, auth=druid_basic())
    assert response.status_code == 200, response.text
    return druid_task_id


def announced(ds: str, druid_task_id: str, rows: int) -> list[Payload]:
    """The events the validator and spec-builder publish for one load."""
    return [
        FileValidated(
            datasource=ds,
            processed_keys=["processed.parquet"],
            row_count=rows,
            columns=COLUMNS,
            interval_start=START,
            interval_end=START + timedelta(hours=9 * (rows - 1), milliseconds=1),
        ),
        IngestionSubmitted(datasource=ds, druid_task_id=druid_task_id, expected_rows=rows),
    ]


def send(bootstrap: str, task_id: str, payloads: list[Payload]) -> None:
    publish_events(
        bootstrap, *(Envelope.wrap(p, task_id=task_id, producer="test") for p in payloads)
    )


def status(tracker: str, task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{tracker}/api/ingest/status/{task_id}", auth=ADMIN).json()
    return body


def totals(olap_lite: str, ds: str) -> list[Any]:
    response = httpx.post(
        f"{olap_lite}/druid/v2/sql",
        auth=druid_basic(),
        json={
            "query": "SELECT COUNT(*), SUM(gross_revenue), MIN(upload_id), MAX(upload_id) "
            f'FROM "{ds}"',
            "resultFormat": "array",
        },
    )
    assert response.status_code == 200, response.text
    row: list[Any] = response.json()[0]
    return row


def load_through_the_pipeline(
    tracker: str,
    olap_lite: str,
    bootstrap: str,
    folder: Path,
    reg: UploadRegistration,
    rev: list[float],
) -> dict[str, Any]:
    response = httpx.post(f"{tracker}/api/ingest/tasks", json=reg.model_dump(), auth=ADMIN)
    assert response.status_code == 201, response.text
    path = write_upload(folder, reg.task_id, rev)
    druid_task_id = run_load(olap_lite, reg.datasource, reg.task_id, path)
    send(bootstrap, reg.task_id, announced(reg.datasource, druid_task_id, len(rev)))
    wait_until(
        lambda: status(tracker, reg.task_id)["state"] in ("succeeded", "failed"), 60, "load ended"
    )
    return status(tracker, reg.task_id)


def test_a_replace_leaves_one_copy_of_the_file_its_own(
    tracker: str, olap_lite: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    ds = f"replace_{uuid.uuid4().hex[:8]}"
    sha = hashlib.sha256(ds.encode()).hexdigest()
    first = registration(ds, sha, replace=False)
    old = load_through_the_pipeline(
        tracker, olap_lite, kafka_bootstrap, tmp_path, first, [1.0, 2.0, 3.0, 4.0]
    )
    assert old["state"] == "succeeded"
    assert old["replaces"] == []
    assert totals(olap_lite, ds) == [4, 10.0, first.task_id, first.task_id]

    # the same bytes again, read differently (e.g. day_first): the amounts come out corrected
    second = registration(ds, sha, replace=True)
    new = load_through_the_pipeline(
        tracker, olap_lite, kafka_bootstrap, tmp_path, second, [10.0, 20.0, 30.0, 40.0]
    )
    assert new["state"] == "succeeded"
    [replaced] = new["replaces"]
    assert replaced["task_id"] == first.task_id
    retraction_id = replaced["retraction_task_id"]
    wait_until(
        lambda: status(tracker, retraction_id)["state"] in ("succeeded", "failed"),
        60,
        "retraction ended",
    )
    retraction = status(tracker, retraction_id)
    assert retraction["state"] == "succeeded", retraction
    assert (retraction["kind"], retraction["retracts_task_id"], retraction["replaced_by"]) == (
        "retraction",
        first.task_id,
        second.task_id,
    )
    assert retraction["druid_task_id"] == f"mauzo_retract_{ds}_{retraction_id}"
    assert status(tracker, first.task_id)["state"] == "retracted"
    assert status(tracker, first.task_id)["replaced_by"] == second.task_id
    assert status(tracker, second.task_id)["state"] == "succeeded"
    assert totals(olap_lite, ds) == [4, 100.0, second.task_id, second.task_id]


def test_a_replace_whose_load_fails_keeps_the_old_rows(
    tracker: str, olap_lite: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    ds = f"replace_{uuid.uuid4().hex[:8]}"
    sha = hashlib.sha256(ds.encode()).hexdigest()
    first = registration(ds, sha, replace=False)
    load_through_the_pipeline(tracker, olap_lite, kafka_bootstrap, tmp_path, first, [1.0, 2.0])

    second = registration(ds, sha, replace=True)
    response = httpx.post(f"{tracker}/api/ingest/tasks", json=second.model_dump(), auth=ADMIN)
    assert response.status_code == 201, response.text
    broken = tmp_path / "broken.parquet"  # the Overlord fails the ingestion
    broken.write_bytes(b"PAR1 not parquet at all PAR1")
    druid_task_id = run_load(olap_lite, ds, second.task_id, broken)
    send(kafka_bootstrap, second.task_id, announced(ds, druid_task_id, 2))
    wait_until(
        lambda: status(tracker, second.task_id)["state"] in ("succeeded", "failed"), 60, "ended"
    )
    assert status(tracker, second.task_id)["state"] == "failed"
    assert status(tracker, second.task_id)["replaces"] == []
    assert status(tracker, first.task_id)["state"] == "succeeded"
    listed = httpx.get(f"{tracker}/api/ingest/tasks", params={"datasource": ds}, auth=ADMIN).json()
    assert [t["kind"] for t in listed["tasks"]] == ["load", "load"]
    assert totals(olap_lite, ds) == [2, 3.0, first.task_id, first.task_id]


def olap_task_succeeded(olap_lite: str, druid_task_id: str) -> bool:
    response = httpx.get(
        f"{olap_lite}/druid/indexer/v1/task/{druid_task_id}/status", auth=druid_basic()
    )
    return response.status_code == 200 and response.json()["status"]["status"] == "SUCCESS"


def test_a_retraction_recorded_before_a_crash_is_submitted_after_the_restart(
    kafka_bootstrap: str, olap_lite: str, serve: Any, tmp_path: Path
) -> None:
    """The replace's completion is recorded while no tracker runs to submit its retraction."""
    ds = f"replace_{uuid.uuid4().hex[:8]}"
    sha = hashlib.sha256(ds.encode()).hexdigest()
    settings = settings_for(tmp_path / "tracker", kafka_bootstrap, olap_lite)
    settings.data_dir.mkdir()
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_database(engine)
    repo = TaskRepository(engine)
    loads = [(registration(ds, sha, replace=False), [1.0, 2.0, 3.0])]
    loads.append((registration(ds, sha, replace=True), [5.0, 6.0, 7.0]))
    for reg, revenues in loads:
        repo.register(reg)
        path = write_upload(tmp_path, reg.task_id, revenues)
        druid_task_id = run_load(olap_lite, ds, reg.task_id, path)
        for payload in announced(ds, druid_task_id, len(revenues)):
            repo.apply(Envelope.wrap(payload, task_id=reg.task_id, producer="test"))
        wait_until(
            functools.partial(olap_task_succeeded, olap_lite, druid_task_id), 60, "olap-lite load"
        )
        done = IngestionCompleted(
            datasource=ds, druid_task_id=druid_task_id, status="succeeded", rows_ingested=3
        )
        envelope = Envelope.wrap(done, task_id=reg.task_id, producer=PRODUCER)
        event_id = completion_event_id(reg.task_id)
        assert repo.record_completion(envelope.model_copy(update={"event_id": event_id}))
    (first, _), (second, _) = loads
    [replaced] = repo.get(second.task_id).replaces
    assert repo.get(replaced.retraction_task_id).state == "received"
    engine.dispose()

    with serve(create_app(settings)) as served:
        wait_until(
            lambda: status(served.url, first.task_id)["state"] == "retracted", 60, "retracted"
        )
        assert status(served.url, replaced.retraction_task_id)["state"] == "succeeded"
    assert totals(olap_lite, ds) == [3, 18.0, second.task_id, second.task_id]
