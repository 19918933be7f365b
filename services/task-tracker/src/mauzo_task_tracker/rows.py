"""Mapping between a `tasks` row and what the tracker reasons about (Progress) or shows (status)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from mauzo_common.events import ErrorInfo
from mauzo_common.tasks import TaskState
from mauzo_task_tracker import lifecycle
from mauzo_task_tracker.detail import links_of, percent_of, timings_of
from mauzo_task_tracker.lifecycle import Progress
from mauzo_task_tracker.models import Task, TaskEvent
from mauzo_task_tracker.schemas import HistoryEntry, Replacement, TaskStatus


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def progress_of(task: Task) -> Progress:
    error = None
    if task.error_code:
        error = ErrorInfo(
            code=task.error_code, message=task.error_message or "", hint=task.error_hint or ""
        )
    return Progress(
        state=TaskState(task.state),
        datasource=task.datasource or "",
        file_name=task.file_name,
        object_key=task.object_key,
        size_bytes=task.size_bytes,
        sha256=task.sha256,
        rows_validated=task.rows_validated,
        expected_rows=task.expected_rows,
        druid_task_id=task.druid_task_id,
        rows_ingested=task.rows_ingested,
        error=error,
        mapping=task.mapping,
        options=task.options,
        rows_read=task.rows_read,
        rows_rejected=task.rows_rejected,
        report_key=task.report_key,
        rejected_rows_key=task.rejected_rows_key,
        date_formats=task.date_formats,
        interval_start=task.interval_start,
        interval_end=task.interval_end,
    )


def store(task: Task, progress: Progress) -> None:
    task.state = progress.state
    task.datasource = progress.datasource
    task.file_name = progress.file_name
    task.object_key = progress.object_key
    task.size_bytes = progress.size_bytes
    task.sha256 = progress.sha256
    task.rows_validated = progress.rows_validated
    task.expected_rows = progress.expected_rows
    task.druid_task_id = progress.druid_task_id
    task.rows_ingested = progress.rows_ingested
    task.mapping = progress.mapping
    task.options = progress.options
    task.rows_read = progress.rows_read
    task.rows_rejected = progress.rows_rejected
    task.report_key = progress.report_key
    task.rejected_rows_key = progress.rejected_rows_key
    task.date_formats = progress.date_formats
    task.interval_start = _utc(progress.interval_start)
    task.interval_end = _utc(progress.interval_end)
    error = progress.error
    task.error_code = error.code if error else None
    task.error_message = error.message if error else None
    task.error_hint = error.hint if error else None


def history_of(task: Task) -> list[HistoryEntry]:
    history = [HistoryEntry(state=TaskState.RECEIVED, at=task.created_at)]
    for event in task.events:
        if event.state_after != history[-1].state:
            history.append(HistoryEntry(state=event.state_after, at=event.occurred_at))
    return history


def status_of(task: Task) -> TaskStatus:
    progress = progress_of(task)
    history = history_of(task)
    return TaskStatus(
        task_id=task.task_id,
        owner=task.owner,
        kind=task.kind or "load",
        retracts_task_id=task.retracts_task_id,
        stage=task.state,
        progress=percent_of(task.state),
        datasource=task.datasource,
        state=task.state,
        file_name=task.file_name,
        object_key=task.object_key,
        size_bytes=task.size_bytes,
        sha256=task.sha256,
        rows_read=task.rows_read,
        rows_validated=task.rows_validated,
        rows_rejected=task.rows_rejected,
        expected_rows=task.expected_rows,
        rows_ingested=task.rows_ingested,
        druid_task_id=task.druid_task_id,
        error=progress.error,
        mapping=task.mapping,
        options=task.options,
        date_formats=task.date_formats,
        report_key=task.report_key,
        rejected_rows_key=task.rejected_rows_key,
        created_at=task.created_at,
        updated_at=task.updated_at,
        history=history,
        timings=timings_of(history, task.updated_at),
        interval_start=task.interval_start,
        interval_end=task.interval_end,
        links=links_of(task.task_id, task.report_key, task.rejected_rows_key),
        replaces=[Replacement.model_validate(entry) for entry in task.replaces or []],
        replaced_by=task.replaced_by,
    )


def locked(session: Session, task_id: str) -> Task | None:
    """The task row, locked for this transaction (FOR UPDATE on PostgreSQL), freshly read."""
    return session.get(Task, task_id, with_for_update=True, populate_existing=True)


def fail(task: Task, error: ErrorInfo, *, event_id: str, event_type: str) -> None:
    """Fail a task from outside the event flow (an aborted upload, a load that stalled for
    good), recording why as one of its events."""
    now = datetime.now(UTC)
    store(task, lifecycle.replace_state(progress_of(task), TaskState.FAILED, error))
    task.updated_at = now
    task.events.append(
        TaskEvent(
            event_id=event_id,
            task_id=task.task_id,
            type=event_type,
            state_after=TaskState.FAILED,
            occurred_at=now,
            recorded_at=now,
        )
    )
