"""The task table on SQLite and PostgreSQL: migrations, idempotent events, one completion."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from mauzo_common.events import (
    Envelope,
    ErrorInfo,
    FileUploaded,
    IngestionCompleted,
    IngestionSubmitted,
    Payload,
    ValidationStarted,
)
from mauzo_common.uploads import UploadRegistration
from mauzo_task_tracker.errors import TaskAlreadyFinished, TaskNotFound
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.repository import TaskRepository


def test_migrating_again_on_restart_changes_nothing(engine: Engine) -> None:
    query = text("SELECT version_num FROM alembic_version")
    with engine.connect() as conn:
        before = conn.execute(query).scalar_one()
    upgrade_database(engine)  # what every start runs
    with engine.connect() as conn:
        assert conn.execute(query).scalar_one() == before


def new_id() -> str:
    return uuid.uuid4().hex


def registration(task_id: str, sha: str = "ab" * 32) -> UploadRegistration:
    return UploadRegistration(
        task_id=task_id,
        datasource="sales",
        file_name="sales.csv",
        object_key=f"uploads/sales/{task_id}/sales.csv",
        size_bytes=42,
        sha256=sha,
    )


def ev(task_id: str, payload: Payload, producer: str = "test") -> Envelope[Any]:
    return Envelope.wrap(payload, task_id=task_id, producer=producer)


def test_migrations_create_both_tables(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"tasks", "task_events", "alembic_version"} <= tables


def test_registration_is_idempotent(repo: TaskRepository) -> None:
    task_id = new_id()
    first, created = repo.register(registration(task_id))
    again, created_again = repo.register(registration(task_id))
    assert (created, created_again) == (True, False)
    assert first.state == again.state == "received"
    assert again.object_key == f"uploads/sales/{task_id}/sales.csv"
    assert [h.state for h in again.history] == ["received"]
    assert again.created_at.tzinfo is not None


def test_unknown_task_is_not_found(repo: TaskRepository) -> None:
    with pytest.raises(TaskNotFound):
        repo.get(new_id())


def test_a_redelivered_event_is_applied_once(repo: TaskRepository) -> None:
    task_id = new_id()
    repo.register(registration(task_id))
    started = ev(task_id, ValidationStarted(datasource="sales"))
    assert repo.apply(started) is True
    assert repo.apply(started) is False
    status = repo.get(task_id)
    assert status.state == "validating"
    assert [h.state for h in status.history] == ["received", "validating"]


def test_events_racing_for_a_new_task_all_land(repo: TaskRepository) -> None:
    task_id = new_id()
    events = [
        ev(task_id, ValidationStarted(datasource="sales")),
        ev(task_id, IngestionSubmitted(datasource="sales", druid_task_id="d1", expected_rows=3)),
        ev(
            task_id,
            FileUploaded(
                datasource="sales", object_key="k", file_name="f", size_bytes=1, sha256="0" * 64
            ),
        ),
    ] * 3
    errors: list[BaseException] = []

    def deliver(envelope: Envelope[Any]) -> None:
        try:
            repo.apply(envelope)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(e,)) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    status = repo.get(task_id)
    assert status.state == "submitted"
    assert (status.druid_task_id, status.expected_rows, status.file_name) == ("d1", 3, "f")
    assert len(repo.followed()) >= 1


def test_registration_after_an_early_event_fills_in_the_file(repo: TaskRepository) -> None:
    task_id = new_id()
    repo.apply(ev(task_id, ValidationStarted(datasource="sales")))
    status, created = repo.register(registration(task_id))
    assert created is False
    assert (status.state, status.file_name, status.size_bytes) == ("validating", "sales.csv", 42)


def test_search_by_datasource_state_and_hash(repo: TaskRepository) -> None:
    sha = uuid.uuid4().hex * 2
    ids = [new_id() for _ in range(3)]
    for task_id in ids:
        repo.register(registration(task_id, sha))
    repo.apply(ev(ids[0], ValidationStarted(datasource="sales")))
    found = repo.search(datasource="sales", sha256=sha, limit=10)
    assert {t.task_id for t in found} == set(ids)
    assert [t.task_id for t in repo.search(sha256=sha, state="validating")] == [ids[0]]
    assert len(repo.search(sha256=sha, limit=2)) == 2
    assert repo.search(datasource="other", sha256=sha) == []


def test_aborting_an_upload_fails_its_task_once(repo: TaskRepository) -> None:
    task_id = new_id()
    repo.register(registration(task_id))
    error = ErrorInfo(code="broker_unavailable", message="m", hint="h")
    assert repo.abort(task_id, error).state == "failed"
    assert repo.abort(task_id, error).error == error
    done = new_id()
    repo.register(registration(done))
    repo.apply(
        ev(
            done,
            IngestionCompleted(
                datasource="sales", druid_task_id="d", status="succeeded", rows_ingested=1
            ),
        )
    )
    with pytest.raises(TaskAlreadyFinished):
        repo.abort(done, error)


def test_a_completion_is_recorded_once_and_kept_until_published(repo: TaskRepository) -> None:
    task_id = new_id()
    repo.register(registration(task_id))
    repo.apply(
        ev(task_id, IngestionSubmitted(datasource="sales", druid_task_id="d", expected_rows=1))
    )
    done = ev(
        task_id,
        IngestionCompleted(
            datasource="sales", druid_task_id="d", status="succeeded", rows_ingested=1
        ),
        "task-tracker",
    )
    assert repo.record_completion(done) is True
    assert repo.record_completion(done) is False
    again = done.model_copy(update={"event_id": uuid.uuid4()})
    assert repo.record_completion(again) is False
    pending = [b for b in repo.unpublished_completions() if b["task_id"] == task_id]
    assert len(pending) == 1
    repo.mark_published(task_id)
    assert all(b["task_id"] != task_id for b in repo.unpublished_completions())
    status = repo.get(task_id)
    assert (status.state, status.rows_ingested) == ("succeeded", 1)
    assert [h.state for h in status.history] == ["received", "submitted", "succeeded"]
