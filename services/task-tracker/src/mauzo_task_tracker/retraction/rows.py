"""The task rows of a retraction, inside one locked transaction each.

A retraction is a task of its own (kind "retraction", its own id) pointing at the load it
retracts. It goes received → submitted → succeeded | failed like a load; when it succeeds, the
load it points at becomes "retracted" in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mauzo_common.events import ErrorInfo
from mauzo_common.tasks import TERMINAL, TaskState
from mauzo_task_tracker.errors import TaskNotFound, TaskNotRetractable
from mauzo_task_tracker.models import Task, TaskEvent, utcnow
from mauzo_task_tracker.rows import locked, status_of
from mauzo_task_tracker.schemas import TaskStatus

LOAD = "load"
RETRACTION = "retraction"


@dataclass(frozen=True)
class RetractionPlan:
    """What the Overlord needs to hear about, and the retraction task to report."""

    retraction: TaskStatus
    datasource: str
    upload_id: str
    interval_start: datetime
    interval_end: datetime


def begin(session: Session, task_id: str) -> RetractionPlan:
    task = locked(session, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    if (task.kind or LOAD) != LOAD:
        raise TaskNotRetractable(task_id, f"it is a {task.kind} task, not an upload")
    if task.state != TaskState.SUCCEEDED:
        raise TaskNotRetractable(task_id, f"it is {task.state}; only a succeeded upload can be")
    if task.interval_start is None or task.interval_end is None:
        raise TaskNotRetractable(task_id, "the time interval of its rows is unknown")
    retraction = in_flight(session, task_id) or create(session, task)
    return plan_of(retraction)


def in_flight(session: Session, task_id: str) -> Task | None:
    """The retraction of this load that has not ended yet, if any (never start a second one)."""
    return session.scalars(
        select(Task).where(
            Task.retracts_task_id == task_id, Task.state.not_in([str(s) for s in TERMINAL])
        )
    ).first()


def create(session: Session, task: Task, replaced_by: str | None = None) -> Task:
    now = utcnow()
    retraction = Task(
        task_id=uuid.uuid4().hex,
        kind=RETRACTION,
        retracts_task_id=task.task_id,
        replaced_by=replaced_by,
        state=TaskState.RECEIVED,
        datasource=task.datasource,
        file_name=task.file_name,
        interval_start=task.interval_start,
        interval_end=task.interval_end,
        created_at=now,
        updated_at=now,
    )
    session.add(retraction)
    session.flush()
    return retraction


def plan_of(retraction: Task) -> RetractionPlan:
    """What to submit for a retraction row (it carries its load's datasource and interval)."""
    assert retraction.retracts_task_id is not None
    assert retraction.interval_start is not None
    assert retraction.interval_end is not None
    return RetractionPlan(
        retraction=status_of(retraction),
        datasource=retraction.datasource,
        upload_id=retraction.retracts_task_id,
        interval_start=retraction.interval_start,
        interval_end=retraction.interval_end,
    )


def waiting(session: Session) -> list[RetractionPlan]:
    """Retractions a replace started that the Overlord has not been given yet.

    At most one per datasource, and none where a retraction already runs: each one re-reads and
    overwrites the same days, so two at once could put back the rows the other removed.
    """
    rows = session.scalars(
        select(Task)
        .where(
            Task.kind == RETRACTION,
            Task.state.in_([TaskState.RECEIVED, TaskState.SUBMITTED]),
        )
        .order_by(Task.created_at, Task.task_id)
    ).all()
    busy = {t.datasource for t in rows if t.state == TaskState.SUBMITTED}
    chosen: dict[str, Task] = {}
    for task in rows:
        if task.replaced_by and task.state == TaskState.RECEIVED and task.datasource not in busy:
            chosen.setdefault(task.datasource, task)
    return [plan_of(task) for task in chosen.values()]


def submitted(session: Session, retraction_id: str, druid_task_id: str) -> TaskStatus:
    task = _get(session, retraction_id)
    if task.state == TaskState.RECEIVED:
        now = utcnow()
        task.druid_task_id = druid_task_id
        task.submitted_at = now
        _move(task, TaskState.SUBMITTED, "retraction-submitted", now)
    session.flush()
    return status_of(task)


def failed(session: Session, retraction_id: str, error: ErrorInfo) -> TaskStatus:
    task = _get(session, retraction_id)
    if task.state not in TERMINAL:
        task.error_code, task.error_message, task.error_hint = error.code, error.message, error.hint
        _move(task, TaskState.FAILED, "retraction-failed", utcnow())
    session.flush()
    return status_of(task)


def finish(session: Session, task: Task) -> None:
    """After a completion was applied: a succeeded retraction retracts its load."""
    if task.kind != RETRACTION or task.state != TaskState.SUCCEEDED or not task.retracts_task_id:
        return
    original = locked(session, task.retracts_task_id)
    if original is None or original.state != TaskState.SUCCEEDED:
        return
    _move(original, TaskState.RETRACTED, f"retracted-by-{task.task_id}", utcnow())
    session.flush()


def _get(session: Session, task_id: str) -> Task:
    task = locked(session, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    return task


def _move(task: Task, state: TaskState, why: str, now: datetime) -> None:
    task.state = state
    task.updated_at = now
    task.events.append(
        TaskEvent(
            event_id=f"{why}-{task.task_id}"[:64],
            task_id=task.task_id,
            type=why.split("-by-")[0],
            state_after=state,
            occurred_at=now,
            recorded_at=now,
        )
    )
