"""The task table behind one small interface: register, apply events, read, follow, complete.

Methods are synchronous (call them through a thread from async code). Every write locks the
task row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite serialises writers, and one process owns a
SQLite file, so a process-wide lock stands in for row locks there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mauzo_common.db import make_session_factory
from mauzo_common.events import Envelope, ErrorInfo
from mauzo_common.tasks import TERMINAL, TaskState
from mauzo_common.uploads import UploadRegistration
from mauzo_task_tracker import lifecycle, task_metrics
from mauzo_task_tracker.errors import TaskAlreadyFinished, TaskNotFound
from mauzo_task_tracker.models import Task, TaskEvent, utcnow
from mauzo_task_tracker.recovery import rows as recovery_rows
from mauzo_task_tracker.recovery.rows import Stalled
from mauzo_task_tracker.retraction import replacement
from mauzo_task_tracker.retraction import rows as retraction_rows
from mauzo_task_tracker.retraction.rows import RetractionPlan
from mauzo_task_tracker.rows import fail, locked, progress_of, status_of, store
from mauzo_task_tracker.schemas import TaskStatus

T = TypeVar("T")
ATTEMPTS = 3


@dataclass(frozen=True)
class Followed:
    """A submitted task the Overlord follower has to watch."""

    task_id: str
    kind: str
    datasource: str
    druid_task_id: str
    expected_rows: int | None
    submitted_at: datetime
    druid_attempts: int = 0


class TaskRepository:
    def __init__(self, engine: Engine) -> None:
        self._sessions = make_session_factory(engine)
        self._lock: AbstractContextManager[Any] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    # -- writes ---------------------------------------------------------------------------

    def register(self, registration: UploadRegistration) -> tuple[TaskStatus, bool]:
        """Create the task in `received` (True), or fill what an early event left unknown."""

        def write(session: Session) -> tuple[TaskStatus, bool]:
            task = locked(session, registration.task_id)
            created = task is None
            if task is None:
                task = Task(task_id=registration.task_id, state=TaskState.RECEIVED)
                session.add(task)
            for name in ("datasource", "file_name", "object_key", "size_bytes", "sha256", "owner"):
                if getattr(task, name) in (None, ""):
                    setattr(task, name, getattr(registration, name))
            if task.mapping is None and registration.mapping:
                task.mapping = dict(registration.mapping)
            if task.options is None and registration.options:
                task.options = dict(registration.options)
            task.replace_requested = task.replace_requested or registration.replace
            if task.file_kind is None and registration.file_kind is not None:
                task.file_kind = registration.file_kind.value
            task.updated_at = utcnow()
            session.flush()
            return status_of(task), created

        return self._write(write)

    def apply(self, envelope: Envelope[Any]) -> bool:
        """Apply one event; False when this event id was applied before (redelivery)."""

        def write(session: Session) -> bool:
            return _apply(session, envelope)

        return self._write(write)

    def abort(self, task_id: str, error: ErrorInfo) -> TaskStatus:
        """Fail a task whose upload could not be finished (e.g. the broker was down)."""

        def write(session: Session) -> TaskStatus:
            task = locked(session, task_id)
            if task is None:
                raise TaskNotFound(task_id)
            if task.state == TaskState.FAILED:
                return status_of(task)
            if task.state in TERMINAL:
                raise TaskAlreadyFinished(task_id, task.state)
            fail(task, error, event_id=f"aborted-{task_id}", event_type="upload-aborted")
            session.flush()
            return status_of(task)

        return self._write(write)

    def record_completion(self, envelope: Envelope[Any]) -> bool:
        """Apply the tracker's own IngestionCompleted and keep it in the outbox.

        False when the task already reached a terminal state (another follower won).
        """

        def write(session: Session) -> bool:
            task = locked(session, envelope.task_id)
            if task is None or task.state in TERMINAL:
                return False
            if not _apply(session, envelope, task):
                return False
            retraction_rows.finish(session, task)
            task.completion_envelope = envelope.model_dump(mode="json")
            return True

        return self._write(write)

    def mark_published(self, task_id: str) -> None:
        def write(session: Session) -> None:
            task = locked(session, task_id)
            if task is not None:
                task.completion_published_at = utcnow()

        self._write(write)

    def begin_retraction(self, task_id: str) -> RetractionPlan:
        """The retraction of a succeeded load: a new task, or the one already in flight."""
        return self._write(lambda session: retraction_rows.begin(session, task_id))

    def retraction_submitted(self, retraction_id: str, druid_task_id: str) -> TaskStatus:
        return self._write(
            lambda session: retraction_rows.submitted(session, retraction_id, druid_task_id)
        )

    def retraction_failed(self, retraction_id: str, error: ErrorInfo) -> TaskStatus:
        return self._write(lambda session: retraction_rows.failed(session, retraction_id, error))

    def waiting_retractions(self) -> list[RetractionPlan]:
        """Retractions started by a replace, ready to be submitted (see retraction_rows)."""
        with self._sessions() as session:
            return retraction_rows.waiting(session)

    # -- recovery (see recovery/) ---------------------------------------------------------

    def stalled(self, quiet_since: datetime) -> list[Stalled]:
        with self._sessions() as session:
            return recovery_rows.stalled(session, quiet_since)

    def replayable(self, task_id: str) -> Stalled | None:
        with self._sessions() as session:
            return recovery_rows.replay_of(session, task_id)

    def replayed(self, task_id: str, seen: datetime) -> datetime | None:
        return self._write(lambda session: recovery_rows.replayed(session, task_id, seen))

    def replay_unsent(self, task_id: str, counted_at: datetime) -> None:
        self._write(lambda session: recovery_rows.replay_unsent(session, task_id, counted_at))

    def give_up(self, task_id: str, error: ErrorInfo, seen: datetime) -> bool:
        return self._write(lambda session: recovery_rows.give_up(session, task_id, error, seen))

    def resubmitted(self, task_id: str, failed_druid_id: str, druid_task_id: str) -> bool:
        """Follow a new attempt of a load's Druid task; False when the load moved meanwhile."""

        def write(session: Session) -> bool:
            task = locked(session, task_id)
            if task is None or task.state != TaskState.SUBMITTED:
                return False
            if task.druid_task_id != failed_druid_id:
                return False
            task.druid_task_id = druid_task_id
            task.druid_attempts += 1
            task.submitted_at = utcnow()
            return True

        return self._write(write)

    # -- reads ----------------------------------------------------------------------------

    def get(self, task_id: str) -> TaskStatus:
        with self._sessions() as session:
            task = session.get(Task, task_id)
            if task is None:
                raise TaskNotFound(task_id)
            return status_of(task)

    def search(
        self,
        *,
        datasource: str | None = None,
        state: str | None = None,
        sha256: str | None = None,
        owner: str | None = None,
        limit: int = 50,
    ) -> list[TaskStatus]:
        query = select(Task).order_by(Task.created_at.desc(), Task.task_id).limit(limit)
        if owner is not None:
            query = query.where(Task.owner == owner)
        if datasource is not None:
            query = query.where(Task.datasource == datasource)
        if state is not None:
            query = query.where(Task.state == state)
        if sha256 is not None:
            query = query.where(Task.sha256 == sha256)
        with self._sessions() as session:
            return [status_of(task) for task in session.scalars(query)]

    def followed(self) -> list[Followed]:
        query = select(Task).where(
            Task.state == TaskState.SUBMITTED, Task.druid_task_id.is_not(None)
        )
        with self._sessions() as session:
            return [
                Followed(
                    task_id=t.task_id,
                    kind=t.kind or "load",
                    datasource=t.datasource,
                    druid_task_id=t.druid_task_id or "",
                    expected_rows=t.expected_rows,
                    submitted_at=t.submitted_at or t.updated_at,
                    druid_attempts=t.druid_attempts,
                )
                for t in session.scalars(query)
            ]

    def unpublished_completions(self) -> list[dict[str, Any]]:
        query = select(Task.completion_envelope).where(
            Task.completion_envelope.is_not(None), Task.completion_published_at.is_(None)
        )
        with self._sessions() as session:
            return [body for body in session.scalars(query) if body is not None]

    # -- plumbing -------------------------------------------------------------------------

    def _write(self, work: Callable[[Session], T]) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._lock, self._transaction() as session:
                    return work(session)
            except IntegrityError:
                # Two writers created the same task or event at once: the loser re-reads.
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session


def _apply(session: Session, envelope: Envelope[Any], task: Task | None = None) -> bool:
    event_id = str(envelope.event_id)
    task = task or locked(session, envelope.task_id)
    # Checked under the task's row lock, so two deliveries of one event cannot both pass.
    if session.get(TaskEvent, event_id) is not None:
        return False
    if task is None:
        # An event can overtake the registration (or come for a task registered elsewhere).
        task = Task(task_id=envelope.task_id, state=TaskState.RECEIVED, datasource="")
        session.add(task)
    before = progress_of(task)
    after = lifecycle.apply(before, envelope)
    store(task, after)
    now = utcnow()
    task_metrics.observe(task, before, after, now)
    if after.state == TaskState.SUBMITTED and before.state != TaskState.SUBMITTED:
        task.submitted_at = now
    task.updated_at = now
    task.events.append(
        TaskEvent(
            event_id=event_id,
            task_id=envelope.task_id,
            type=envelope.type,
            state_after=after.state,
            occurred_at=envelope.occurred_at,
            recorded_at=now,
        )
    )
    session.flush()
    if after.state == TaskState.SUCCEEDED and before.state != TaskState.SUCCEEDED:
        replacement.replace_earlier(session, task)
    return True
