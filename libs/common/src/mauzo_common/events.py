"""Every event Mauzo publishes: the envelope, the payloads, and the topic each one travels on.

This module is the contract between services. Payload classes carry their topic, type name and
schema version; a breaking change gets a new version and a new topic (`...v2`), never an edit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from mauzo_common import sales_model as model
from mauzo_common.datasources import DATASOURCE_PATTERN, MAX_LENGTH
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


# The public producer contract for streamed sales, and the clean topics the stream stage writes.
# A till (or any producer) publishes one JSON object per sale line to `mauzo.sales-events.v1`,
# keyed by `invoice_id` or any stable key. The value is *not* an envelope: it is the sale line in
# the sales model's field names (docs/sales-model.md#canonical-columns) plus the target
# `datasource` and a producer-chosen `event_id`. Valid lines go to the datasource's clean topic,
# which a Druid Kafka supervisor reads (docs/druid.md#supervisor-api).
SALES_EVENTS_TOPIC = f"{TOPIC_PREFIX}.sales-events.v1"
CONTRACT_VERSION = 1

Number = float | str | None
Text = str | None

# What a clean record carries besides the sales model's columns.
EVENT_ID = "event_id"


def clean_topic(datasource: str) -> str:
    """The per-datasource topic of validated lines that the datasource's supervisor reads."""
    return f"{TOPIC_PREFIX}.sales-clean.{datasource}.v{CONTRACT_VERSION}"


def stream_upload_id(datasource: str) -> str:
    """The `upload_id` every streamed row of a datasource carries (files carry their task id)."""
    return f"stream-{datasource}"


# A clean record: `__time` in epoch ms, every dimension (null when absent), then every metric.
CLEAN_DIMENSIONS = (*(d.value for d in model.Dimension), model.UPLOAD_ID, EVENT_ID)
CLEAN_METRICS = (*(m.value for m in model.METRICS), *(m.value for m in model.OPTIONAL_METRICS))
CLEAN_COLUMNS = (model.TIME, *CLEAN_DIMENSIONS, *CLEAN_METRICS)


class SaleEvent(BaseModel):
    """One sale (or return) line, as a producer publishes it on `mauzo.sales-events.v1`.

    Numbers may be JSON numbers or text the file rules read (`1,200.50`, `KSh 1,200`, `(300)`);
    a negative amount or quantity is a return. Fields the sales model does not know are ignored.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "event_id": "till-7-000123-1",
                    "datasource": "sales",
                    "time": "2025-06-01T10:15:00+03:00",
                    "branch": "Mombasa",
                    "region": "Coast",
                    "product": "Soap 200g",
                    "product_line": "Home care",
                    "item_group": "Soap",
                    "salesperson": "Amina",
                    "customer": "Duka Bora",
                    "invoice_id": "INV-000123",
                    "quantity": 2,
                    "amount": 400.0,
                    "cost": 260.0,
                    "discount": 0,
                    "tax": 55.17,
                }
            ]
        },
    )

    event_id: str = Field(
        min_length=1,
        max_length=200,
        description="Producer-chosen, unique per line; a repeat is "
        "loaded once (ids are remembered at least 7 days)",
    )
    datasource: str = Field(
        pattern=DATASOURCE_PATTERN, max_length=MAX_LENGTH, description="The datasource to load into"
    )
    time: str = Field(
        description="ISO-8601: with an offset (2025-06-01T10:15:00+03:00, ...Z), or wall-clock "
        "(2025-06-01 10:15:00) read in the business time zone (MAUZO_BUSINESS_TIMEZONE)"
    )
    amount: Number = Field(description="Line value (net of tax unless a tax column says so)")
    quantity: Number = None
    cost: Number = Field(None, description="Cost of the goods on the line; absent = unknown")
    discount: Number = None
    tax: Number = None
    branch: Text = None
    region: Text = None
    product: Text = None
    product_line: Text = None
    item_group: Text = None
    salesperson: Text = None
    customer: Text = None
    invoice_id: Text = Field(None, description="Groups lines into one transaction")


def contract_schema() -> dict[str, Any]:
    return SaleEvent.model_json_schema()


class StreamOpened(Payload):
    """The stream stage published the first clean record of a datasource; its supervisor is due."""

    EVENT_TYPE: ClassVar[str] = "stream-opened"
    datasource: str
    clean_topic: str


class StreamBatchProcessed(Payload):
    """What one stream micro-batch did with one datasource's records: task-tracker sums them."""

    EVENT_TYPE: ClassVar[str] = "stream-batch-processed"
    datasource: str
    records: int = Field(description="Records of this datasource in the batch")
    valid: int = Field(description="Published to the clean topic")
    rejected: int = Field(description="Published to the dead-letter topic")
    duplicate: int = Field(description="Left out: their event_id was handled before")
    last_error: ErrorInfo | None = Field(None, description="The batch's last rejection reason")


class SaleEventRejected(Payload):
    """A streamed sale line that failed validation: the original record and why, never dropped."""

    EVENT_TYPE: ClassVar[str] = "sales-events-dead-letter"
    datasource: str | None = Field(None, description="As the record named it, when it did")
    event_id: str | None = Field(None, description="The producer's event id, when it had one")
    source_partition: int
    source_offset: int
    key: str | None = None
    error: ErrorInfo
    field: str | None = Field(None, description="The record field the error is about")
    original: dict[str, Any] | str = Field(
        description="The record as sent: its JSON object, or its text when it was not one"
    )


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
    StreamOpened,
    StreamBatchProcessed,
    SaleEventRejected,
)
DEAD_LETTER_TOPIC = DeadLettered.topic()
SALES_EVENTS_DEAD_LETTER_TOPIC = SaleEventRejected.topic()
