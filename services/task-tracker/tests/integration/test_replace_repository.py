"""replace=true in the task table (SQLite and PostgreSQL): when a replace succeeds, every other
succeeded load of the same bytes gets one retraction, once; a failed replace retracts nothing."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from mauzo_common.events import (
    ColumnInfo,
    Envelope,
    ErrorInfo,
    FileRejected,
    FileValidated,
    IngestionCompleted,
    IngestionSubmitted,
    Payload,
)
from mauzo_common.uploads import UploadRegistration
from mauzo_task_tracker.migrate import alembic_config
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.schemas import TaskStatus

START = datetime(2024, 3, 1, 6, tzinfo=UTC)
END = datetime(2024, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def datasource() -> str:
    """Each test its own datasource: `waiting` looks across the whole table."""
    return f"sales_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def sha() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def ev(task_id: str, payload: Payload, producer: str = "test") -> Envelope[Any]:
    return Envelope.wrap(payload, task_id=task_id, producer=producer)


def registered(repo: TaskRepository, ds: str, sha: str, *, replace: bool = False) -> str:
    task_id = uuid.uuid4().hex
    repo.register(
        UploadRegistration(
            task_id=task_id,
            datasource=ds,
            file_name="sales.csv",
            object_key=f"uploads/{ds}/{task_id}/sales.csv",
            size_bytes=100,
            sha256=sha,
            options={"day_first": "true"} if replace else None,
            replace=replace,
        )
    )
    return task_id


def submitted(repo: TaskRepository, task_id: str, ds: str) -> None:
    validated = FileValidated(
        datasource=ds,
        processed_keys=["k"],
        row_count=3,
        columns=[ColumnInfo(name="branch", type="string", role="dimension")],
        interval_start=START,
        interval_end=END,
    )
    repo.apply(ev(task_id, validated))
    repo.apply(ev(task_id, IngestionSubmitted(datasource=ds, druid_task_id="d", expected_rows=3)))


def completion(task_id: str, ds: str, status: str = "succeeded") -> Envelope[Any]:
    error = ErrorInfo(code="ingestion_failed", message="x") if status == "failed" else None
    done = IngestionCompleted(
        datasource=ds, druid_task_id="d", status=status, rows_ingested=3, error=error
    )
    return ev(task_id, done, "task-tracker")


def loaded(repo: TaskRepository, ds: str, sha: str, *, replace: bool = False) -> str:
    task_id = registered(repo, ds, sha, replace=replace)
    submitted(repo, task_id, ds)
    assert repo.record_completion(completion(task_id, ds))
    return task_id


def retractions_of(repo: TaskRepository, ds: str) -> list[TaskStatus]:
    return [t for t in repo.search(datasource=ds, limit=500) if t.kind == "retraction"]


def test_a_succeeded_replace_starts_the_retraction_of_the_earlier_load(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    first = loaded(repo, datasource, sha)
    assert retractions_of(repo, datasource) == []
    second = loaded(repo, datasource, sha, replace=True)

    [retraction] = retractions_of(repo, datasource)
    assert (retraction.retracts_task_id, retraction.replaced_by, retraction.state) == (
        first,
        second,
        "received",
    )
    replacing = repo.get(second)
    assert replacing.state == "succeeded"
    assert [r.model_dump() for r in replacing.replaces] == [
        {"task_id": first, "retraction_task_id": retraction.task_id}
    ]
    assert repo.get(first).replaced_by == second
    assert repo.get(first).state == "succeeded"  # until the retraction has removed its rows
    [plan] = [p for p in repo.waiting_retractions() if p.datasource == datasource]
    assert (plan.retraction.task_id, plan.upload_id) == (retraction.task_id, first)
    assert (plan.interval_start, plan.interval_end) == (START, END)


def test_a_completion_seen_twice_starts_one_retraction(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    loaded(repo, datasource, sha)
    second = registered(repo, datasource, sha, replace=True)
    submitted(repo, second, datasource)
    done = completion(second, datasource)
    assert repo.record_completion(done)
    assert not repo.record_completion(done)  # another follower, or the same after a restart
    assert not repo.apply(done)  # the tracker's own event coming back from the broker
    assert len(retractions_of(repo, datasource)) == 1
    assert len(repo.get(second).replaces) == 1


@pytest.mark.parametrize("outcome", ["failed", "rejected"])
def test_a_replace_that_does_not_succeed_retracts_nothing(
    repo: TaskRepository, datasource: str, sha: str, outcome: str
) -> None:
    first = loaded(repo, datasource, sha)
    second = registered(repo, datasource, sha, replace=True)
    if outcome == "failed":
        submitted(repo, second, datasource)
        assert repo.record_completion(completion(second, datasource, "failed"))
    else:
        error = ErrorInfo(code="amounts_not_numbers", message="x")
        repo.apply(ev(second, FileRejected(datasource=datasource, error=error)))
    assert repo.get(second).state == outcome
    assert repo.get(second).replaces == []
    assert retractions_of(repo, datasource) == []
    assert repo.get(first).state == "succeeded"
    assert repo.get(first).replaced_by is None


def test_without_replace_nothing_is_retracted(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    loaded(repo, datasource, sha)
    loaded(repo, datasource, sha)
    loaded(repo, datasource, hashlib.sha256(b"other bytes").hexdigest(), replace=True)
    assert retractions_of(repo, datasource) == []


def test_the_latest_replace_stays_whichever_finishes_last(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    first = loaded(repo, datasource, sha)
    older = registered(repo, datasource, sha, replace=True)
    newer = registered(repo, datasource, sha, replace=True)
    for task_id in (older, newer):
        submitted(repo, task_id, datasource)
    assert repo.record_completion(completion(newer, datasource))
    assert repo.record_completion(completion(older, datasource))  # finishes after the newer

    by_load = {r.retracts_task_id: r for r in retractions_of(repo, datasource)}
    assert set(by_load) == {first, older}
    assert {r.replaced_by for r in by_load.values()} == {newer}
    assert {r.task_id for r in repo.get(newer).replaces} == {first, older}
    assert repo.get(older).replaces == []


def test_a_retraction_already_running_is_reused(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    first = loaded(repo, datasource, sha)
    deleting = repo.begin_retraction(first).retraction.task_id  # a DELETE in flight
    second = loaded(repo, datasource, sha, replace=True)
    assert [r.task_id for r in retractions_of(repo, datasource)] == [deleting]
    assert [r.retraction_task_id for r in repo.get(second).replaces] == [deleting]


def test_one_retraction_per_datasource_is_given_to_the_overlord_at_a_time(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    first = loaded(repo, datasource, sha)
    second = loaded(repo, datasource, sha)
    loaded(repo, datasource, sha, replace=True)

    def waiting() -> list[str]:
        return [p.upload_id for p in repo.waiting_retractions() if p.datasource == datasource]

    assert waiting() in ([first], [second])
    [upload_id] = waiting()
    [retraction] = [r for r in retractions_of(repo, datasource) if r.retracts_task_id == upload_id]
    repo.retraction_submitted(retraction.task_id, "mauzo_retract_1")
    assert waiting() == []  # the days are being rewritten: the other one waits
    done = IngestionCompleted(
        datasource=datasource, druid_task_id="mauzo_retract_1", status="succeeded", rows_ingested=6
    )
    assert repo.record_completion(ev(retraction.task_id, done, "task-tracker"))
    assert repo.get(upload_id).state == "retracted"
    assert waiting() == [({first, second} - {upload_id}).pop()]


def test_an_earlier_load_of_unknown_interval_gets_a_failed_retraction(
    repo: TaskRepository, datasource: str, sha: str
) -> None:
    first = registered(repo, datasource, sha)
    repo.apply(
        ev(first, IngestionSubmitted(datasource=datasource, druid_task_id="d", expected_rows=3))
    )
    assert repo.record_completion(completion(first, datasource))
    second = loaded(repo, datasource, sha, replace=True)
    [entry] = repo.get(second).replaces
    retraction = repo.get(entry.retraction_task_id)
    assert retraction.state == "failed"
    assert retraction.error is not None
    assert retraction.error.code == "interval_unknown"
    assert repo.get(first).state == "succeeded"
    assert [p for p in repo.waiting_retractions() if p.datasource == datasource] == []


def test_the_migration_goes_down_and_up_again(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0003")
    assert not {"replaces", "replaced_by"} & {
        c["name"] for c in inspect(engine).get_columns("tasks")
    }
    command.upgrade(config, "head")
    assert {"replaces", "replaced_by"} <= {c["name"] for c in inspect(engine).get_columns("tasks")}


def test_the_migration_reads_replace_from_the_options_of_earlier_registrations(
    engine: Engine,
) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0004")
    task_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tasks (task_id, datasource, state, options, kind, created_at, "
                "updated_at) VALUES (:id, 'sales', 'received', :options, 'load', :at, :at)"
            ),
            {"id": task_id, "options": json.dumps({"replace": "true"}), "at": START},
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        flag = conn.execute(
            text("SELECT replace_requested FROM tasks WHERE task_id = :id"), {"id": task_id}
        ).scalar_one()
    assert flag
