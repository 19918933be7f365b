"""task-tracker as users and services see it: HTTP API plus events on a real broker.

Runs once on SQLite and once on PostgreSQL (the `database_url` fixture). The Overlord URL points
at a closed port: a submitted task must then stay submitted (transient), never fail.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.events import (
    ColumnInfo,
    DeadLettered,
    Envelope,
    ErrorInfo,
    FileRejected,
    FileUploaded,
    FileValidated,
    IngestionSubmitted,
    Payload,
    ValidationStarted,
)
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import free_port, wait_until
from mauzo_common.testing.errors import assert_error_body
from mauzo_common.testing.events import publish_events
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka
DS = "sales"
NO_TIME = ErrorInfo(code="no_time_column", message="No time column found.", hint="Add one.")


@pytest.fixture(scope="module")
def tracker(kafka_bootstrap: str, database_url: str, data_dir: Path, serve: Any) -> Iterator[str]:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=database_url,
        data_dir=data_dir,
        druid_overlord_url=f"http://127.0.0.1:{free_port()}",
        overlord_poll_seconds=0.2,
    )
    with serve(create_app(settings)) as served:
        yield served.url


def send(bootstrap: str, *envelopes: Envelope[Any]) -> None:
    """Publish as another service would, on its own producer."""
    publish_events(bootstrap, *envelopes)


def status(tracker: str, task_id: str) -> dict[str, Any]:
    response = httpx.get(f"{tracker}/api/ingest/status/{task_id}", auth=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def in_state(tracker: str, task_id: str, state: str) -> Callable[[], bool]:
    def check() -> bool:
        response = httpx.get(f"{tracker}/api/ingest/status/{task_id}", auth=ADMIN)
        return response.status_code == 200 and response.json()["state"] == state

    return check


def register(tracker: str, task_id: str, sha: str = "cd" * 32) -> httpx.Response:
    return httpx.post(
        f"{tracker}/api/ingest/tasks",
        json={
            "task_id": task_id,
            "datasource": DS,
            "file_name": "sales.csv",
            "object_key": f"uploads/{DS}/{task_id}/sales.csv",
            "size_bytes": 12,
            "sha256": sha,
        },
        auth=ADMIN,
    )


def ev(task_id: str, payload: Payload, producer: str = "test") -> Envelope[Any]:
    return Envelope.wrap(payload, task_id=task_id, producer=producer)


def uploaded(task_id: str) -> Envelope[FileUploaded]:
    return ev(
        task_id,
        FileUploaded(
            datasource=DS,
            object_key=f"uploads/{DS}/{task_id}/sales.csv",
            file_name="sales.csv",
            size_bytes=12,
            sha256="cd" * 32,
        ),
        "upload",
    )


def validated(task_id: str, rows: int = 5) -> Envelope[FileValidated]:
    from datetime import UTC, datetime

    return ev(
        task_id,
        FileValidated(
            datasource=DS,
            processed_keys=[f"processed/{DS}/{task_id}/part-0.parquet"],
            row_count=rows,
            columns=[ColumnInfo(name="__time", type="timestamp", role="time")],
            interval_start=datetime(2024, 1, 1, tzinfo=UTC),
            interval_end=datetime(2024, 1, 2, tzinfo=UTC),
        ),
        "validator",
    )


def test_registered_task_is_visible_at_once_and_registration_is_idempotent(tracker: str) -> None:
    task_id = uuid.uuid4().hex
    first = register(tracker, task_id)
    assert first.status_code == 201
    body = status(tracker, task_id)
    assert body["state"] == "received"
    assert body["history"][0]["state"] == "received"
    assert body["error"] is None
    assert register(tracker, task_id).status_code == 200


def test_a_never_registered_task_is_a_clear_404(tracker: str) -> None:
    response = httpx.get(f"{tracker}/api/ingest/status/{uuid.uuid4().hex}", auth=ADMIN)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "task_not_found"
    assert "never registered" in error["message"]
    assert error["hint"]


def test_unknown_route_validation_and_domain_errors_share_one_shape(tracker: str) -> None:
    rid = {"x-request-id": "tracker-rid-1"}
    unknown = httpx.get(f"{tracker}/api/nowhere", headers=rid, auth=ADMIN)
    invalid = httpx.get(f"{tracker}/api/ingest/tasks?limit=501", headers=rid, auth=ADMIN)
    domain = httpx.get(f"{tracker}/api/ingest/status/{uuid.uuid4().hex}", headers=rid, auth=ADMIN)
    wrong_method = httpx.put(f"{tracker}/api/ingest/tasks", headers=rid, auth=ADMIN)
    assert_error_body(unknown, 404, "not_found")
    assert "query.limit" in assert_error_body(invalid, 422, "invalid_request")["message"]
    assert assert_error_body(domain, 404, "task_not_found")["hint"]
    assert_error_body(wrong_method, 405, "method_not_allowed")
    for response in (unknown, invalid, domain, wrong_method):
        assert response.headers["x-request-id"] == "tracker-rid-1"


def test_bad_requests_get_the_error_shape(tracker: str) -> None:
    response = httpx.post(f"{tracker}/api/ingest/tasks", json={"task_id": "../x"}, auth=ADMIN)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert httpx.get(f"{tracker}/api/ingest/tasks?limit=501", auth=ADMIN).status_code == 422
    assert httpx.get(f"{tracker}/api/ingest/tasks?state=sleeping", auth=ADMIN).status_code == 422


def test_a_rejected_file_ends_rejected_with_the_validators_reason(
    tracker: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(tracker, task_id)
    send(
        kafka_bootstrap,
        uploaded(task_id),
        ev(task_id, ValidationStarted(datasource=DS), "validator"),
        ev(task_id, FileRejected(datasource=DS, error=NO_TIME), "validator"),
    )
    wait_until(in_state(tracker, task_id, "rejected"), 30, "rejected")
    body = status(tracker, task_id)
    assert body["error"] == NO_TIME.model_dump()
    states = [h["state"] for h in body["history"]]
    # Topics are consumed independently, so "validating" may arrive after "rejected".
    assert states[0] == "received"
    assert states[-1] == "rejected"


def test_out_of_order_and_duplicate_events_end_in_the_same_state(
    tracker: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(tracker, task_id)
    done = validated(task_id, rows=5)
    send(kafka_bootstrap, done, done, ev(task_id, ValidationStarted(datasource=DS)), done)
    wait_until(in_state(tracker, task_id, "validated"), 30, "validated")
    body = status(tracker, task_id)
    assert body["rows_validated"] == 5
    assert [h["state"] for h in body["history"]][-1] == "validated"


def test_an_event_for_an_unknown_task_creates_it(tracker: str, kafka_bootstrap: str) -> None:
    task_id = uuid.uuid4().hex
    send(kafka_bootstrap, ev(task_id, ValidationStarted(datasource=DS), "validator"))
    wait_until(in_state(tracker, task_id, "validating"), 30, "task created by its event")
    assert status(tracker, task_id)["datasource"] == DS


def test_a_dead_lettered_event_fails_its_task_with_the_error(
    tracker: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(tracker, task_id)
    first = uploaded(task_id)
    letter = DeadLettered(
        source_topic=FileUploaded.topic(),
        attempts=4,
        error=ErrorInfo(code="handler_failed", message="OSError: store unreachable"),
        original=first.model_dump(mode="json"),
    )
    send(kafka_bootstrap, first, ev(task_id, letter, "validator"))
    wait_until(in_state(tracker, task_id, "failed"), 30, "failed")
    error = status(tracker, task_id)["error"]
    assert error["code"] == "handler_failed"
    assert "store unreachable" in error["message"]


def test_a_submitted_task_stays_submitted_while_the_overlord_is_unreachable(
    tracker: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(tracker, task_id)
    submitted = IngestionSubmitted(
        datasource=DS, druid_task_id=f"mauzo_{DS}_{task_id}", expected_rows=5
    )
    send(kafka_bootstrap, validated(task_id), ev(task_id, submitted, "spec-builder"))
    wait_until(in_state(tracker, task_id, "submitted"), 30, "submitted")
    # Several follower rounds (every 0.2 s) against a closed port must not fail the task.
    rounds = []

    def several_rounds_stay_submitted() -> bool:
        rounds.append(status(tracker, task_id)["state"])
        return len(rounds) >= 8

    wait_until(several_rounds_stay_submitted, 10, "eight status reads", every=0.25)
    assert set(rounds) == {"submitted"}
    assert status(tracker, task_id)["druid_task_id"] == f"mauzo_{DS}_{task_id}"
    assert httpx.get(f"{tracker}/api/health", auth=ADMIN).status_code == 200


def test_tasks_are_listed_and_found_by_hash(tracker: str) -> None:
    sha = uuid.uuid4().hex * 2
    ids = [uuid.uuid4().hex for _ in range(3)]
    for task_id in ids:
        assert register(tracker, task_id, sha).status_code == 201
    found = httpx.get(
        f"{tracker}/api/ingest/tasks", params={"datasource": DS, "sha256": sha}, auth=ADMIN
    )
    assert found.status_code == 200
    assert {t["task_id"] for t in found.json()["tasks"]} == set(ids)
    limited = httpx.get(
        f"{tracker}/api/ingest/tasks", params={"state": "received", "limit": 2}, auth=ADMIN
    )
    assert len(limited.json()["tasks"]) == 2
    assert all(t["state"] == "received" for t in limited.json()["tasks"])


def long_poll(tracker: str, task_id: str, seen: str, wait: float) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    response = httpx.get(
        f"{tracker}/api/ingest/status/{task_id}",
        params={"changed_from": seen, "wait_seconds": wait},
        timeout=wait + 10,
        auth=ADMIN,
    )
    assert response.status_code == 200, response.text
    return response.json(), time.monotonic() - started


def test_a_long_poll_answers_as_soon_as_the_state_changes(
    tracker: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(tracker, task_id)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(long_poll, tracker, task_id, "received", 30)
        time.sleep(0.5)
        assert not waiting.done(), "the long-poll answered while the task was unchanged"
        send(kafka_bootstrap, ev(task_id, FileRejected(datasource=DS, error=NO_TIME), "validator"))
        body, waited = waiting.result(timeout=30)
    assert body["state"] == "rejected"
    assert body["error"]["code"] == "no_time_column"
    assert waited < 25, "the long-poll waited for its timeout instead of the change"


def test_a_long_poll_answers_at_once_when_the_state_already_differs_or_at_its_timeout(
    tracker: str,
) -> None:
    task_id = uuid.uuid4().hex
    register(tracker, task_id)
    body, waited = long_poll(tracker, task_id, "validating", 30)
    assert body["state"] == "received"
    assert waited < 5
    body, waited = long_poll(tracker, task_id, "received", 0.6)
    assert body["state"] == "received"
    assert waited >= 0.6
    too_long = httpx.get(
        f"{tracker}/api/ingest/status/{task_id}",
        params={"changed_from": "received", "wait_seconds": 61},
        auth=ADMIN,
    )
    assert too_long.status_code == 422
