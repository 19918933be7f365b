"""Stage durations and row counts, observed as the tracker applies each event to a task."""

from __future__ import annotations

from datetime import datetime

from mauzo_common.observability import metrics
from mauzo_task_tracker.lifecycle import Progress
from mauzo_task_tracker.models import Task

ROW_FIELDS = {
    "read": "rows_read",
    "valid": "rows_validated",
    "rejected": "rows_rejected",
    "ingested": "rows_ingested",
}


def observe(task: Task, before: Progress, after: Progress, now: datetime) -> None:
    if after.state != before.state:
        entered = _entered(task, before.state, now)
        metrics.task_stage_duration.labels(before.state.value).observe(
            max(0.0, (now - entered).total_seconds())
        )
    for stage, field in ROW_FIELDS.items():
        known_before, known_after = getattr(before, field), getattr(after, field)
        if known_before is None and known_after:
            metrics.rows.labels(stage).inc(known_after)


def _entered(task: Task, state: str, now: datetime) -> datetime:
    """When the task reached `state`: its first event that left it there, else its creation
    (which is now for a task its first event creates: the row's default is set at flush)."""
    times = [e.recorded_at for e in task.events if e.state_after == state]
    return min(times) if times else (task.created_at or now)
