"""Retraction rows on SQLite and PostgreSQL, and the migration that added them (both ways)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect

from mauzo_common.events import (
    ColumnInfo,
    Envelope,
    ErrorInfo,
    FileValidated,
    IngestionCompleted,
    IngestionSubmitted,
    Payload,
)
from mauzo_task_tracker.errors import TaskNotFound, TaskNotRetractable
from mauzo_task_tracker.migrate import alembic_config
from mauzo_task_tracker.repository import TaskRepository

START = datetime(2024, 3, 1, 6, tzinfo=UTC)
END = datetime(2024, 3, 2, 9, tzinfo=UTC)


def ev(task_id: str, payload: Payload, producer: str = "test") -> Envelope[Any]:
    return Envelope.wrap(payload, task_id=task_id, producer=producer)


def succeeded_load(repo: TaskRepository) -> str:
    task_id = uuid.uuid4().hex
    validated = FileValidated(
        datasource="sales",
        processed_keys=["k"],
        row_count=3,
        columns=[ColumnInfo(name="branch", type="string", role="dimension")],
        interval_start=START,
        interval_end=END,
    )
    repo.apply(ev(task_id, validated))
    repo.apply(
        ev(task_id, IngestionSubmitted(datasource="sales", druid_task_id="d", expected_rows=3))
    )
    done = IngestionCompleted(
        datasource="sales", druid_task_id="d", status="succeeded", rows_ingested=3
    )
    assert repo.record_completion(ev(task_id, done, "task-tracker"))
    return task_id


def test_the_upload_interval_is_kept_from_file_validated(repo: TaskRepository) -> None:
    task = repo.get(succeeded_load(repo))
    assert (task.interval_start, task.interval_end) == (START, END)


def test_a_retraction_is_a_task_of_its_own_that_retracts_the_load(repo: TaskRepository) -> None:
    load_id = succeeded_load(repo)
    plan = repo.begin_retraction(load_id)
    retraction = plan.retraction
    assert (retraction.kind, retraction.retracts_task_id, retraction.state) == (
        "retraction",
        load_id,
        "received",
    )
    assert (plan.upload_id, plan.interval_start, plan.interval_end) == (load_id, START, END)
    # a second DELETE while the first is in flight reuses it
    assert repo.begin_retraction(load_id).retraction.task_id == retraction.task_id

    submitted = repo.retraction_submitted(retraction.task_id, "mauzo_retract_x")
    assert (submitted.state, submitted.druid_task_id) == ("submitted", "mauzo_retract_x")
    followed = {f.task_id: f for f in repo.followed()}
    assert followed[retraction.task_id].kind == "retraction"

    done = IngestionCompleted(
        datasource="sales", druid_task_id="mauzo_retract_x", status="succeeded", rows_ingested=0
    )
    assert repo.record_completion(ev(retraction.task_id, done, "task-tracker"))
    assert repo.get(retraction.task_id).state == "succeeded"
    original = repo.get(load_id)
    assert original.state == "retracted"
    assert original.history[-1].state == "retracted"
    with pytest.raises(TaskNotRetractable):
        repo.begin_retraction(load_id)


def test_a_failed_retraction_leaves_the_load_succeeded(repo: TaskRepository) -> None:
    load_id = succeeded_load(repo)
    retraction_id = repo.begin_retraction(load_id).retraction.task_id
    failed = repo.retraction_failed(retraction_id, ErrorInfo(code="olap_unavailable", message="x"))
    assert failed.state == "failed"
    assert failed.error is not None
    assert failed.error.code == "olap_unavailable"
    assert repo.get(load_id).state == "succeeded"
    assert repo.begin_retraction(load_id).retraction.task_id != retraction_id


def test_only_succeeded_loads_can_be_retracted(repo: TaskRepository) -> None:
    with pytest.raises(TaskNotFound):
        repo.begin_retraction(uuid.uuid4().hex)
    pending = uuid.uuid4().hex
    repo.apply(
        ev(pending, IngestionSubmitted(datasource="sales", druid_task_id="d", expected_rows=1))
    )
    with pytest.raises(TaskNotRetractable, match="submitted"):
        repo.begin_retraction(pending)


def test_the_migration_goes_down_and_up_again(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0002")
    columns = {c["name"] for c in inspect(engine).get_columns("tasks")}
    assert "kind" not in columns
    assert "interval_start" not in columns
    command.upgrade(config, "head")
    columns = {c["name"] for c in inspect(engine).get_columns("tasks")}
    assert {"kind", "retracts_task_id", "interval_start", "interval_end"} <= columns
