"""The task table and the log of applied events (SQLAlchemy 2 typed models)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite (which stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC values only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_datasource_sha256", "datasource", "sha256"),)

    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    datasource: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    object_key: Mapped[str | None] = mapped_column(String(1024))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows_validated: Mapped[int | None] = mapped_column(BigInteger)
    expected_rows: Mapped[int | None] = mapped_column(BigInteger)
    rows_ingested: Mapped[int | None] = mapped_column(BigInteger)
    druid_task_id: Mapped[str | None] = mapped_column(String(255))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_hint: Mapped[str | None] = mapped_column(Text)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rows_read: Mapped[int | None] = mapped_column(BigInteger)
    rows_rejected: Mapped[int | None] = mapped_column(BigInteger)
    report_key: Mapped[str | None] = mapped_column(String(1024))
    rejected_rows_key: Mapped[str | None] = mapped_column(String(1024))
    date_formats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(16), default="load", server_default="load")
    retracts_task_id: Mapped[str | None] = mapped_column(String(64), index=True)
    interval_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    interval_end: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Sent with replace=true: once it succeeds, the earlier loads of the same bytes are retracted.
    file_kind: Mapped[str | None] = mapped_column(String(16))
    # How often the reconciler published a stalled task's step again (recovery/).
    reconcile_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Druid tasks submitted again after the first failed (a crash of the OLAP mid-task).
    druid_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replace_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A load sent with replace=true: [{"task_id", "retraction_task_id"}] of the loads it replaces.
    replaces: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # A retraction a replace started, and the load it retracts: the load that replaces it.
    replaced_by: Mapped[str | None] = mapped_column(String(64))
    # Outbox for IngestionCompleted: written with the terminal state, cleared once published.
    completion_envelope: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    completion_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # The subject that uploaded the file: an uploader sees only the tasks it owns.
    owner: Mapped[str | None] = mapped_column(String(255), index=True)

    events: Mapped[list[TaskEvent]] = relationship(
        back_populates="task",
        order_by="TaskEvent.recorded_at",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class TaskEvent(Base):
    """One applied event (its id makes redelivery a no-op) and the state it left the task in."""

    __tablename__ = "task_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.task_id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(64))
    state_after: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    task: Mapped[Task] = relationship(back_populates="events")


class StreamCounts(Base):
    """A streamed datasource's counters, summed from the stream stage's batch events."""

    __tablename__ = "streams"

    datasource: Mapped[str] = mapped_column(String(64), primary_key=True)
    records: Mapped[int] = mapped_column(BigInteger, default=0)
    valid: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicate: Mapped[int] = mapped_column(BigInteger, default=0)
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_batch_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StreamBatch(Base):
    """One applied batch event (its id makes redelivery a no-op); recent ones give the rate."""

    __tablename__ = "stream_batches"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    datasource: Mapped[str] = mapped_column(String(64), index=True)
    valid: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class User(Base):
    """A person who signs in with a password (grant_type=password)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # None: every branch; else the branch names this user's answers are limited to.
    branches: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ApiKey(Base):
    """A machine's credentials (grant_type=client_credentials); only the secret's hash is kept."""

    __tablename__ = "api_keys"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    branches: Mapped[list[str] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditRecord(Base):
    """Who did what, when, from where and how it ended. Never a password, secret or token."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255), index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16))
    source_ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
