"""How one event moves a task, as a pure function.

The states and the merge rule between them are mauzo_common.tasks. Applying events is a merge,
not a step: facts carried by an event fill what is still unknown, and folding any permutation
(with duplicates) of one task's events gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from mauzo_common.druid.errors import DruidUnavailable
from mauzo_common.events import (
    DEAD_LETTER_TOPIC,
    DeadLettered,
    Envelope,
    ErrorInfo,
    FileRejected,
    FileUploaded,
    FileValidated,
    IngestionCompleted,
    IngestionSubmitted,
    Payload,
    ValidationStarted,
)
from mauzo_common.tasks import TERMINAL, TaskState, advance

PRODUCER = "task-tracker"


@dataclass(frozen=True)
class Progress:
    """What the tracker knows about one task; the `tasks` row minus bookkeeping."""

    state: TaskState = TaskState.RECEIVED
    datasource: str = ""
    file_name: str | None = None
    object_key: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    rows_validated: int | None = None
    expected_rows: int | None = None
    druid_task_id: str | None = None
    rows_ingested: int | None = None
    error: ErrorInfo | None = None
    mapping: dict[str, str] | None = None
    options: dict[str, str] | None = None
    rows_read: int | None = None
    rows_rejected: int | None = None
    report_key: str | None = None
    rejected_rows_key: str | None = None
    date_formats: dict[str, str] | None = None
    interval_start: datetime | None = None
    interval_end: datetime | None = None


DeadLetterEffect = Literal["fail", "replay", "ignore"]


def dead_letter_effect(letter: DeadLettered, producer: str) -> DeadLetterEffect:
    """What a dead letter means for its task.

    - another service gave up on one of the task's events: the task can never finish → failed;
    - the tracker itself failed to record an event: the event is still valid → apply it again;
    - a consumer of `IngestionCompleted` failed (e.g. a cache), or a dead letter of a dead
      letter: the ingestion itself is unaffected → no state change;
    - spec-builder could not reach the Overlord for all of its retries (olap-lite or Druid
      restarting, which takes longer than a few seconds on a busy machine): the load is intact
      and replayable, so it stays validated and the reconciler submits it again once it has
      been quiet (failing it as `stalled` if that never works) → no state change.
    """
    if letter.source_topic in (IngestionCompleted.topic(), DEAD_LETTER_TOPIC):
        return "ignore"
    if letter.source_topic == FileValidated.topic() and letter.error.code == DruidUnavailable.code:
        return "ignore"
    if producer == PRODUCER:
        return "replay"
    return "fail"


def target_of(envelope: Envelope[Any]) -> tuple[TaskState | None, ErrorInfo | None]:
    """The state an event asks for, and the error that goes with a failure."""
    payload: Payload = envelope.payload
    match payload:
        case FileUploaded():
            return TaskState.RECEIVED, None
        case ValidationStarted():
            return TaskState.VALIDATING, None
        case FileValidated():
            return TaskState.VALIDATED, None
        case FileRejected():
            return TaskState.REJECTED, payload.error
        case IngestionSubmitted():
            return TaskState.SUBMITTED, None
        case IngestionCompleted():
            if payload.status == "succeeded":
                return TaskState.SUCCEEDED, None
            return TaskState.FAILED, payload.error or ErrorInfo(
                code="ingestion_failed", message="The OLAP ingestion task failed."
            )
        case DeadLettered():
            if dead_letter_effect(payload, envelope.producer) != "fail":
                return None, None
            return TaskState.FAILED, ErrorInfo(
                code=payload.error.code,
                message=(
                    f"{envelope.producer} gave up on {payload.source_topic} after "
                    f"{payload.attempts} attempt(s): {payload.error.message}"
                ),
                hint=payload.error.hint or "Upload the file again once the service is healthy.",
            )
    return None, None


def facts_of(envelope: Envelope[Any]) -> dict[str, Any]:
    """The task facts an event carries (filled in only while still unknown)."""
    payload: Payload = envelope.payload
    match payload:
        case FileUploaded():
            return {
                "datasource": payload.datasource,
                "file_name": payload.file_name,
                "object_key": payload.object_key,
                "size_bytes": payload.size_bytes,
                "sha256": payload.sha256,
                "mapping": payload.mapping or None,
                "options": payload.options or None,
            }
        case FileValidated():
            return {
                "datasource": payload.datasource,
                "rows_validated": payload.row_count,
                "rows_read": payload.rows_read or None,
                "rows_rejected": payload.rows_rejected,
                "report_key": payload.report_key,
                "rejected_rows_key": payload.rejected_rows_key,
                "date_formats": payload.date_formats or None,
                "interval_start": payload.interval_start,
                "interval_end": payload.interval_end,
            }
        case IngestionSubmitted():
            return {
                "datasource": payload.datasource,
                "druid_task_id": payload.druid_task_id,
                "expected_rows": payload.expected_rows,
            }
        case IngestionCompleted():
            return {
                "datasource": payload.datasource,
                "druid_task_id": payload.druid_task_id,
                "rows_ingested": payload.rows_ingested,
            }
        case FileRejected():
            return {"datasource": payload.datasource, "report_key": payload.report_key}
        case ValidationStarted():
            return {"datasource": payload.datasource}
        case DeadLettered():
            original = payload.original.get("payload")
            if isinstance(original, dict) and isinstance(original.get("datasource"), str):
                return {"datasource": original["datasource"]}
    return {}


def apply(progress: Progress, envelope: Envelope[Any]) -> Progress:
    """The task after one more event (idempotent: applying an event twice changes nothing)."""
    filled = {
        name: value
        for name, value in facts_of(envelope).items()
        if getattr(progress, name) in (None, "")
    }
    if isinstance(envelope.payload, FileValidated) and envelope.payload.mapping:
        # The mapping the validator applied is the final word over the one the user sent.
        filled["mapping"] = envelope.payload.mapping
    target, error = target_of(envelope)
    state = advance(progress.state, target) if target is not None else progress.state
    if state != progress.state and state in (TaskState.REJECTED, TaskState.FAILED):
        filled["error"] = error
    return replace(progress, state=state, **filled)


def replace_state(progress: Progress, state: TaskState, error: ErrorInfo | None) -> Progress:
    """Force a state from outside the event flow (an aborted upload): same terminal rules."""
    new_state = advance(progress.state, state)
    if new_state == progress.state:
        return progress
    return replace(progress, state=new_state, error=error if new_state in TERMINAL else None)
