"""Task detail: stage, progress, timings and the report / rejected-rows downloads, on the local
store and on S3 (moto)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mauzo_common.auth.principal import Role
from mauzo_common.events import (
    ColumnInfo,
    Envelope,
    ErrorInfo,
    FileRejected,
    FileValidated,
    Payload,
    ValidationStarted,
)
from mauzo_common.object_store import ObjectStore, open_object_store
from mauzo_common.testing.auth import auth
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka
REJECTED_CSV = b'row,column,value,rule\n3,amount,"\'=1+2",numeric\n'


@dataclass
class Tracker:
    url: str
    repository: TaskRepository
    store: ObjectStore


@pytest.fixture(scope="module", params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def tracker(
    request: pytest.FixtureRequest,
    kafka_bootstrap: str,
    serve: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Tracker]:
    extra: dict[str, Any] = {}
    if request.param == "s3":
        extra = {
            "object_store": "s3",
            "s3_endpoint_url": request.getfixturevalue("s3_endpoint"),
            "s3_bucket": f"tt-{uuid.uuid4().hex[:8]}",
            "s3_access_key_id": "testing",
            "s3_secret_access_key": "testing",
        }
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path_factory.mktemp("tracker"), **extra
    )
    app: FastAPI = create_app(settings)
    with serve(app) as served:
        yield Tracker(served.url, app.state.repository, open_object_store(settings))


def ev(task_id: str, payload: Payload) -> Envelope[Any]:
    return Envelope.wrap(payload, task_id=task_id, producer="validator")


def validated(tracker: Tracker, *, report: bool, rejected: bool) -> str:
    task_id = uuid.uuid4().hex
    report_key = f"reports/sales/{task_id}/quality.json" if report else None
    rejected_key = f"reports/sales/{task_id}/rejected.csv" if rejected else None
    if report_key:
        tracker.store.put_bytes(report_key, b'{"score": 0.97, "rules": {"numeric": 1}}')
    if rejected_key:
        tracker.store.put_bytes(rejected_key, REJECTED_CSV)
    tracker.repository.apply(ev(task_id, ValidationStarted(datasource="sales")))
    payload = FileValidated(
        datasource="sales",
        processed_keys=["processed/x.parquet"],
        row_count=9,
        rows_read=10,
        rows_rejected=1,
        columns=[ColumnInfo(name="branch", type="string", role="dimension")],
        interval_start=datetime(2024, 1, 1, tzinfo=UTC),
        interval_end=datetime(2024, 1, 2, tzinfo=UTC),
        report_key=report_key,
        rejected_rows_key=rejected_key,
        mapping={"time": "Date"},
        date_formats={"Date": "%d/%m/%Y"},
    )
    tracker.repository.apply(ev(task_id, payload))
    return task_id


def test_status_carries_stage_progress_rows_timings_and_links(tracker: Tracker) -> None:
    task_id = validated(tracker, report=True, rejected=True)
    body = httpx.get(f"{tracker.url}/api/ingest/status/{task_id}", auth=ADMIN).json()
    assert (body["stage"], body["progress"], body["kind"]) == ("validated", 50, "load")
    assert (body["rows_read"], body["rows_validated"], body["rows_rejected"]) == (10, 9, 1)
    assert body["mapping"] == {"time": "Date"}
    assert body["date_formats"] == {"Date": "%d/%m/%Y"}
    assert set(body["timings"]) == {"received", "validating", "validated"}
    assert all(seconds >= 0 for seconds in body["timings"].values())
    assert body["links"] == {
        "report": f"/api/ingest/tasks/{task_id}/report",
        "rejected_rows": f"/api/ingest/tasks/{task_id}/rejected-rows",
    }


def test_the_quality_report_is_served_as_json(tracker: Tracker) -> None:
    task_id = validated(tracker, report=True, rejected=False)
    response = httpx.get(f"{tracker.url}/api/ingest/tasks/{task_id}/report", auth=ADMIN)
    assert response.status_code == 200
    assert response.json() == {"score": 0.97, "rules": {"numeric": 1}}


def test_rejected_rows_download_as_a_csv_attachment(tracker: Tracker) -> None:
    task_id = validated(tracker, report=False, rejected=True)
    response = httpx.get(f"{tracker.url}/api/ingest/tasks/{task_id}/rejected-rows", auth=ADMIN)
    assert response.status_code == 200
    assert response.content == REJECTED_CSV
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")


def test_absent_downloads_are_404_with_a_hint_and_null_links(tracker: Tracker) -> None:
    task_id = validated(tracker, report=False, rejected=False)
    body = httpx.get(f"{tracker.url}/api/ingest/status/{task_id}", auth=ADMIN).json()
    assert body["links"] == {"report": None, "rejected_rows": None}
    for what in ("report", "rejected-rows"):
        response = httpx.get(f"{tracker.url}/api/ingest/tasks/{task_id}/{what}", auth=ADMIN)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "artifact_not_found"
        assert response.json()["error"]["hint"]
    unknown = httpx.get(f"{tracker.url}/api/ingest/tasks/{uuid.uuid4().hex}/report", auth=ADMIN)
    assert unknown.json()["error"]["code"] == "task_not_found"


def test_a_rejected_file_links_its_quality_report(tracker: Tracker) -> None:
    """The user of a refused file can still read what was found in it."""
    task_id = uuid.uuid4().hex
    report_key = f"processed/sales/{task_id}/report.json"
    tracker.store.put_bytes(report_key, b'{"status": "rejected", "rows_read": 40}')
    tracker.repository.apply(ev(task_id, ValidationStarted(datasource="sales")))
    error = ErrorInfo(code="amounts_not_numbers", message="7 of 40 rows", hint="Fix them")
    rejected = FileRejected(datasource="sales", error=error, report_key=report_key)
    tracker.repository.apply(ev(task_id, rejected))
    body = httpx.get(f"{tracker.url}/api/ingest/status/{task_id}", auth=ADMIN).json()
    assert body["state"] == "rejected"
    assert body["links"]["report"] == f"/api/ingest/tasks/{task_id}/report"
    report = httpx.get(f"{tracker.url}{body['links']['report']}", auth=ADMIN)
    assert report.json() == {"status": "rejected", "rows_read": 40}
