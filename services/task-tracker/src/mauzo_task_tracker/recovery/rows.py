"""The task-table side of recovery: which loads stalled, and recording what was done about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mauzo_common.events import ErrorInfo, FileUploaded
from mauzo_common.file_kinds import FileKind
from mauzo_common.tasks import TaskState
from mauzo_task_tracker.models import Task, utcnow
from mauzo_task_tracker.rows import fail, locked

# Before submission the whole path is replayable from the stored file: the validator's outputs
# and spec-builder's Druid task id are keyed by the task id, so publishing FileUploaded again
# redoes at most the work that was lost.
REPLAYABLE = (TaskState.RECEIVED, TaskState.VALIDATING, TaskState.VALIDATED)


@dataclass(frozen=True)
class Stalled:
    task_id: str
    attempts: int
    quiet_since: datetime
    replay: FileUploaded | None  # None: the row lacks what FileUploaded needs


def stalled(session: Session, quiet_since: datetime) -> list[Stalled]:
    """Loads not yet submitted whose row has not changed since `quiet_since`."""
    query = select(Task).where(
        Task.state.in_([s.value for s in REPLAYABLE]),
        Task.kind == "load",
        Task.updated_at < quiet_since,
    )
    return [
        Stalled(task.task_id, task.reconcile_attempts, task.updated_at, _replay_of(task))
        for task in session.scalars(query)
    ]


def _replay_of(task: Task) -> FileUploaded | None:
    if not (task.datasource and task.object_key and task.sha256 and task.file_kind):
        return None
    kind = FileKind(task.file_kind)
    return FileUploaded(
        datasource=task.datasource,
        object_key=task.object_key,
        file_name=task.file_name or task.object_key.rsplit("/", 1)[-1],
        size_bytes=task.size_bytes or 0,
        sha256=task.sha256,
        content_type=kind.content_type,
        file_kind=kind,
        mapping=dict(task.mapping or {}),
        options={k: str(v) for k, v in (task.options or {}).items()},
    )


def replayed(session: Session, task_id: str, seen: datetime) -> datetime | None:
    """Count a replay and return when it was counted; None when the task moved since it was
    `seen` quiet (nothing to do then)."""
    task = locked(session, task_id)
    if task is None or task.updated_at != seen or task.state not in REPLAYABLE:
        return None
    task.reconcile_attempts += 1
    task.updated_at = utcnow()  # the backoff counts from this replay
    return task.updated_at


def replay_unsent(session: Session, task_id: str, counted_at: datetime) -> None:
    """Take back a replay counted at `counted_at` whose event never reached the broker: it
    neither brings the task closer to giving up nor doubles its next wait. The task's quiet
    time still starts at the failed try, so a broker that stays down is not asked every scan."""
    task = locked(session, task_id)
    if task is not None and task.updated_at == counted_at and task.state in REPLAYABLE:
        task.reconcile_attempts = max(0, task.reconcile_attempts - 1)


def give_up(session: Session, task_id: str, error: ErrorInfo, seen: datetime) -> bool:
    """Fail a stalled task for good, with the reason; False when it moved since `seen`."""
    task = locked(session, task_id)
    if task is None or task.updated_at != seen or task.state not in REPLAYABLE:
        return False
    fail(
        task,
        error,
        event_id=f"stalled-{task_id}-{task.reconcile_attempts}",
        event_type="recovery-gave-up",
    )
    return True


def replay_of(session: Session, task_id: str) -> Stalled | None:
    task = session.get(Task, task_id)
    if task is None:
        return None
    return Stalled(task.task_id, task.reconcile_attempts, task.updated_at, _replay_of(task))
