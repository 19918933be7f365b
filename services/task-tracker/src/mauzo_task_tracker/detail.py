"""What the status adds for people: progress %, seconds per stage, links to the reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mauzo_common.tasks import TERMINAL, TaskState
from mauzo_task_tracker.models import utcnow
from mauzo_task_tracker.schemas import HistoryEntry, Links

PERCENT = {
    TaskState.RECEIVED: 5,
    TaskState.VALIDATING: 25,
    TaskState.VALIDATED: 50,
    TaskState.SUBMITTED: 75,
}


def percent_of(state: str) -> int:
    """A simple mapping from the stage: every terminal state is 100 (done, whichever way)."""
    return PERCENT.get(TaskState(state), 100)


def timings_of(history: Sequence[HistoryEntry], now: datetime | None = None) -> dict[str, float]:
    """Seconds spent in each stage; the current stage, if not terminal, runs until now."""
    timings: dict[str, float] = {}
    for entry, after in zip(history, [*history[1:], None], strict=True):
        if after is None:
            if entry.state in TERMINAL:
                break
            end = now or utcnow()
        else:
            end = after.at
        seconds = max((end - entry.at).total_seconds(), 0.0)
        timings[entry.state] = round(timings.get(entry.state, 0.0) + seconds, 3)
    return timings


def links_of(task_id: str, report_key: str | None, rejected_rows_key: str | None) -> Links:
    base = f"/api/ingest/tasks/{task_id}"
    return Links(
        report=f"{base}/report" if report_key else None,
        rejected_rows=f"{base}/rejected-rows" if rejected_rows_key else None,
    )
