"""GraphQL types of ingestion: task status and history from task-tracker, upload receipts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from mauzo_common.tasks import TaskState
from mauzo_query_api.graphql.types import doc

# The common enum itself, named for GraphQL: the schema's states are task-tracker's states.
strawberry.enum(
    TaskState,
    name="IngestionState",
    description="Where an ingestion task is: received → validating → validated → "
    "submitted → succeeded, or rejected / failed; a succeeded load is retracted once its rows "
    "were removed.",
)


@strawberry.type(description="Why a task was rejected or failed.")
class IngestionError:
    code: str = doc("Stable error code.")
    message: str = doc("What went wrong.")
    hint: str | None = doc("How to fix it, when known.")


@strawberry.type(description="One state change of a task.")
class TaskHistoryEntry:
    state: str = doc("The state entered.")
    at: datetime = doc("When (UTC).")


@strawberry.type(description="An ingestion task as task-tracker reports it.")
class IngestionTask:
    task_id: str = doc("Task id (also the upload id of the rows it loads).")
    datasource: str = doc("Datasource the file loads into.")
    state: str = doc("Current state (see IngestionState for the values).")
    file_name: str | None = doc("Name of the uploaded file.")
    size_bytes: int | None = doc("Size of the uploaded file.")
    sha256: str | None = doc("SHA-256 of the uploaded file.")
    rows_validated: int | None = doc("Rows that passed validation.")
    rows_ingested: int | None = doc("Rows the OLAP store loaded.")
    druid_task_id: str | None = doc("The OLAP ingestion task id.")
    error: IngestionError | None = doc("Why the task was rejected or failed; null otherwise.")
    created_at: datetime = doc("When the task was registered (UTC).")
    updated_at: datetime = doc("Last change (UTC).")
    history: list[TaskHistoryEntry] = doc("Every state change, oldest first.")


@strawberry.type(description="A streamed datasource: its supervisor and the stream stage's counts.")
class Stream:
    datasource: str = doc("Datasource the stream loads into.")
    topic: str = doc("The clean topic its Kafka supervisor reads.")
    state: str = doc("Supervisor state (RUNNING, SUSPENDED, …); PENDING before it exists.")
    records_in: int = doc("Records the stream stage read for this datasource.")
    valid: int = doc("Records that passed validation (sent to the clean topic).")
    rejected: int = doc("Records sent to the dead-letter topic with their reason.")
    duplicate: int = doc("Records left out because their event_id was handled before.")
    loaded: int | None = doc("Rows the supervisor ingested, when it answered.")
    lag: int | None = doc("Clean-topic records not yet ingested, when known.")
    rate: float = doc("Valid records per second over the last minute.")
    last_error: IngestionError | None = doc("The most recent rejection reason.")


def stream(doc_: dict[str, Any]) -> Stream:
    error = doc_.get("last_error")
    return Stream(
        datasource=str(doc_["datasource"]),
        topic=str(doc_.get("topic", "")),
        state=str(doc_.get("state", "UNKNOWN")),
        records_in=int(doc_.get("records_in", 0)),
        valid=int(doc_.get("valid", 0)),
        rejected=int(doc_.get("rejected", 0)),
        duplicate=int(doc_.get("duplicate", 0)),
        loaded=doc_.get("loaded"),
        lag=doc_.get("lag"),
        rate=float(doc_.get("rate", 0.0)),
        last_error=IngestionError(
            code=str(error.get("code", "")),
            message=str(error.get("message", "")),
            hint=error.get("hint"),
        )
        if isinstance(error, dict)
        else None,
    )


@strawberry.type(description="The upload service's receipt: the file is stored, ingestion runs.")
class UploadReceipt:
    task_id: str = doc("Task id to follow with `ingestionTask`.")
    status_url: str = doc("task-tracker URL of the task's status.")
    status: str = doc("State at the time of the answer (received).")


def ingestion_task(doc_: dict[str, Any]) -> IngestionTask:
    """Read task-tracker's status JSON; unknown extra keys are ignored."""
    error = doc_.get("error")
    return IngestionTask(
        task_id=str(doc_["task_id"]),
        datasource=str(doc_["datasource"]),
        state=str(doc_["state"]),
        file_name=doc_.get("file_name"),
        size_bytes=doc_.get("size_bytes"),
        sha256=doc_.get("sha256"),
        rows_validated=doc_.get("rows_validated"),
        rows_ingested=doc_.get("rows_ingested"),
        druid_task_id=doc_.get("druid_task_id"),
        error=IngestionError(
            code=str(error.get("code", "")),
            message=str(error.get("message", "")),
            hint=error.get("hint"),
        )
        if isinstance(error, dict)
        else None,
        created_at=datetime.fromisoformat(str(doc_["created_at"]).replace("Z", "+00:00")),
        updated_at=datetime.fromisoformat(str(doc_["updated_at"]).replace("Z", "+00:00")),
        history=[
            TaskHistoryEntry(
                state=str(h["state"]),
                at=datetime.fromisoformat(str(h["at"]).replace("Z", "+00:00")),
            )
            for h in doc_.get("history") or []
        ],
    )


@strawberry.type(description="One audit record: who did what, when, from where, and the outcome.")
class AuditRecord:
    at: datetime | None = doc("When (UTC).")
    actor: str = doc("Who: a username, `key:<client id>`, `cli:<os user>` or a service.")
    actor_kind: str = doc("user, machine (API key) or service.")
    action: str = doc("What: e.g. a sign-in, an upload, a retraction, a user or stream change.")
    target: str | None = doc("What it was done to: a task id, a user, a datasource.")
    outcome: str = doc("ok, refused or failed.")
    source_ip: str | None = doc("The client's address.")
    request_id: str | None = doc("The request id, to find the logs.")
    detail: JSON = doc("The action's particulars (never a password, secret or token).")


def audit_record(doc_: dict[str, Any]) -> AuditRecord:
    at = doc_.get("at")
    return AuditRecord(
        at=datetime.fromisoformat(at) if isinstance(at, str) else None,
        actor=str(doc_.get("actor", "")),
        actor_kind=str(doc_.get("actor_kind", "user")),
        action=str(doc_.get("action", "")),
        target=doc_.get("target"),
        outcome=str(doc_.get("outcome", "")),
        source_ip=doc_.get("source_ip"),
        request_id=doc_.get("request_id"),
        detail=cast(JSON, doc_.get("detail") or {}),
    )
