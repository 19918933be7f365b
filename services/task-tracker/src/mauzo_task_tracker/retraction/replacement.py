"""replace=true: a load takes the place of the earlier loads of the same bytes, once it succeeded.

Run inside the transaction that makes a load succeed. Among the succeeded loads of one file
(datasource and sha256), the latest one sent with replace=true is the one that stays; every other
one gets a retraction task (or keeps the one already running), and the staying load lists them in
`replaces`. Being part of that transaction makes it happen once however often the completion is
seen, and a crash leaves the retractions recorded, waiting to be submitted, never half-made. A
replace that fails or is rejected never gets here, so the rows already loaded stay.

Deciding by "latest sent" rather than "this one" keeps one copy when two replaces of a file
finish in the other order, or when a plain load of the file finishes after its replace.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from mauzo_common.events import ErrorInfo
from mauzo_common.tasks import TaskState
from mauzo_task_tracker.models import Task
from mauzo_task_tracker.retraction import rows as retraction_rows
from mauzo_task_tracker.retraction.rows import LOAD
from mauzo_task_tracker.rows import locked

NO_INTERVAL = ErrorInfo(
    code="interval_unknown",
    message="The time interval of the replaced upload's rows is unknown, so they cannot be "
    "found to be removed.",
    hint="Remove them with DELETE /api/ingest/tasks/{id}/data once the interval is known, or "
    "drop and reload the datasource.",
)


def replace_earlier(session: Session, task: Task) -> None:
    """Called once, when `task` (locked) has just succeeded."""
    if task.kind != LOAD or task.state != TaskState.SUCCEEDED or not task.sha256:
        return
    _one_file_at_a_time(session, task.datasource, task.sha256)
    loaded = session.scalars(
        select(Task)
        .where(
            Task.kind == LOAD,
            Task.datasource == task.datasource,
            Task.sha256 == task.sha256,
            Task.state == TaskState.SUCCEEDED,
        )
        .order_by(Task.created_at, Task.task_id)
    ).all()
    replacing = [t for t in loaded if t.replace_requested]
    if not replacing:
        return
    keeper = locked(session, replacing[-1].task_id)
    assert keeper is not None
    entries = {entry["task_id"]: entry for entry in keeper.replaces or []}
    for other in loaded:
        if other.task_id == keeper.task_id:
            continue
        old = locked(session, other.task_id)
        if old is None or old.state != TaskState.SUCCEEDED:
            continue  # retracted meanwhile (a DELETE's retraction just finished)
        retraction = retraction_rows.in_flight(session, old.task_id) or _start(session, old, keeper)
        entries[old.task_id] = {"task_id": old.task_id, "retraction_task_id": retraction.task_id}
    keeper.replaces = list(entries.values())
    session.flush()


def _start(session: Session, old: Task, keeper: Task) -> Task:
    retraction = retraction_rows.create(session, old, replaced_by=keeper.task_id)
    old.replaced_by = keeper.task_id
    if old.interval_start is None or old.interval_end is None:
        retraction_rows.failed(session, retraction.task_id, NO_INTERVAL)
    return retraction


def _one_file_at_a_time(session: Session, datasource: str, sha256: str) -> None:
    """Serialise the completions of one file's loads on PostgreSQL (SQLite has one writer).

    Read committed: once the lock is held, the query for the file's loads sees a load another
    transaction just made succeed, so of two finishing together the later one replaces both.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"mauzo-replace:{datasource}:{sha256}"},
        )
