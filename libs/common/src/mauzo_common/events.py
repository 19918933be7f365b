"""Every event Mauzo publishes: the envelope, the payloads, and the topic each one travels on.

This module is the contract between services. Payload classes carry their topic, type name and
schema version; a breaking change gets a new version and a new topic (`...v2`), never an edit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from mauzo_common.file_kinds import FileKind
from mauzo_common.sales_model import ColumnRole

TOPIC_PREFIX = "mauzo"


def topic_name(event: str, version: int) -> str:
    return f"{TOPIC_PREFIX}.{event}.v{version}"


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True)
    EVENT_TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    @classmethod
    def topic(cls) -> str:
        return topic_name(cls.EVENT_TYPE, cls.VERSION)


class ErrorInfo(BaseModel):
    """What went wrong, where, and how to fix it."""

    code: str
    message: str
    hint: str = ""


ColumnType = Literal["timestamp", "string", "long", "double"]


class ColumnInfo(BaseModel):
    name: str
    type: ColumnType
    role: ColumnRole


class FileUploaded(Payload):
    EVENT_TYPE: ClassVar[str] = "file-uploaded"
    datasource: str
    object_key: str
    file_name: str = Field(description="Sanitised client file name, metadata only")
    size_bytes: int
    sha256: str
    content_type: str = ""
    file_kind: FileKind | None = Field(
        None,
        description="What upload found the bytes to be; readers trust it rather than sniff "
        "again. Absent only on events from before it was carried, where content_type says it",
    )
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description="User override: canonical field -> source column or expression",
    )
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Parsing options: day_first, decimal_comma, excel_1904, timezone, sheet, "
        "excluded_statuses, return_statuses",
    )


class ValidationStarted(Payload):
    EVENT_TYPE: ClassVar[str] = "validation-started"
    datasource: str


class FileValidated(Payload):
    EVENT_TYPE: ClassVar[str] = "file-validated"
    datasource: str
    processed_keys: list[str]
    row_count: int
    columns: list[ColumnInfo]
    interval_start: datetime
    interval_end: datetime = Field(description="Exclusive end, UTC")
    rows_read: int = 0
    rows_rejected: int = 0
    report_key: str | None = None
    rejected_rows_key: str | None = None
    mapping: dict[str, str] = Field(default_factory=dict, description="Canonical field -> source")
    date_formats: dict[str, str] = Field(default_factory=dict, description="Column -> format")


class FileRejected(Payload):
    EVENT_TYPE: ClassVar[str] = "file-rejected"
    datasource: str
    error: ErrorInfo
    report_key: str | None = Field(
        None, description="The quality report saying what was found before the file was refused"
    )


class IngestionSubmitted(Payload):
    EVENT_TYPE: ClassVar[str] = "ingestion-submitted"
    datasource: str
    druid_task_id: str
    expected_rows: int


class IngestionCompleted(Payload):
    EVENT_TYPE: ClassVar[str] = "ingestion-completed"
    datasource: str
    druid_task_id: str
    status: Literal["succeeded", "failed"]
    rows_ingested: int
    row_stats: dict[str, int] = Field(default_factory=dict)
    error: ErrorInfo | None = None


class DeadLettered(Payload):
    """A message that kept failing, with the error, so it is never silently dropped."""

    EVENT_TYPE: ClassVar[str] = "dead-letter"
    source_topic: str
    attempts: int
    error: ErrorInfo
    original: dict[str, Any]


P = TypeVar("P", bound=Payload)


class Envelope(BaseModel, Generic[P]):
    """The one shape of every Kafka message; the message key is the task id."""

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    task_id: str
    correlation_id: str
    traceparent: str | None = Field(
        None, description="W3C trace context of the step that published this event"
    )
    payload: P

    @classmethod
    def wrap(
        cls, payload: P, *, task_id: str, producer: str, correlation_id: str | None = None
    ) -> Envelope[P]:
        envelope_type: Any = Envelope[type(payload)]  # type: ignore[misc]
        envelope: Envelope[P] = envelope_type(
            type=payload.EVENT_TYPE,
            version=payload.VERSION,
            producer=producer,
            task_id=task_id,
            correlation_id=correlation_id or task_id,
            payload=payload,
        )
        return envelope


ALL_PAYLOADS: tuple[type[Payload], ...] = (
    FileUploaded,
    ValidationStarted,
    FileValidated,
    FileRejected,
    IngestionSubmitted,
    IngestionCompleted,
    DeadLettered,
)
DEAD_LETTER_TOPIC = DeadLettered.topic()
