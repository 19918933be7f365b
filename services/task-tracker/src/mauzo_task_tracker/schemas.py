"""HTTP request and response shapes of the task-tracker API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from mauzo_common.events import ErrorInfo


class HistoryEntry(BaseModel):
    state: str
    at: datetime


class Links(BaseModel):
    """Where the validator's quality report and rejected rows can be downloaded (None: absent)."""

    report: str | None
    rejected_rows: str | None


class Replacement(BaseModel):
    """One earlier load of the same bytes that a load sent with replace=true takes the place of."""

    task_id: str = Field(description="The earlier load, `retracted` once its rows are gone")
    retraction_task_id: str = Field(description="The retraction task removing its rows")


class TaskStatus(BaseModel):
    task_id: str
    kind: str = Field(description="load (an upload) or retraction (removes an upload's rows)")
    retracts_task_id: str | None = Field(description="The load a retraction removes")
    stage: str
    progress: int = Field(ge=0, le=100, description="Percent done, from the stage")
    datasource: str
    state: str
    file_name: str | None
    object_key: str | None
    size_bytes: int | None
    sha256: str | None
    rows_read: int | None
    rows_validated: int | None
    rows_rejected: int | None
    expected_rows: int | None
    rows_ingested: int | None
    druid_task_id: str | None
    error: ErrorInfo | None
    mapping: dict[str, Any] | None
    options: dict[str, Any] | None
    date_formats: dict[str, Any] | None
    report_key: str | None
    rejected_rows_key: str | None
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry]
    timings: dict[str, float] = Field(description="Seconds spent in each stage")
    interval_start: datetime | None
    interval_end: datetime | None = Field(description="Exclusive end of the upload's rows")
    links: Links
    replaces: list[Replacement] = Field(
        default_factory=list,
        description="A load sent with replace=true: the earlier loads of the same bytes whose "
        "rows it replaces (each removed by its own retraction task, started once this load "
        "succeeded)",
    )
    owner: str | None = Field(None, description="Who uploaded the file (null: not recorded)")
    replaced_by: str | None = Field(
        None,
        description="The replace=true load that replaces this load (on the load and on the "
        "retraction that removes its rows)",
    )


class TaskList(BaseModel):
    tasks: list[TaskStatus]


class Restart(BaseModel):
    restarted: bool = Field(description="Whether the load's step was started again")
    task: TaskStatus
