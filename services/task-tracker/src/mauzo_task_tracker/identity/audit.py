"""The audit log: one row per sign-in attempt and per change to who may do what or to the data.

Rows hold names, ids and outcomes only; callers never pass a password, secret or token, and
`detail` keys that look like one are dropped as a last line of defence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine, select

from mauzo_common.auth.principal import Principal
from mauzo_common.db import make_session_factory
from mauzo_common.http_errors import request_id_of
from mauzo_task_tracker.models import AuditRecord, utcnow

Outcome = Literal["ok", "refused", "failed"]
SECRET_WORDS = ("password", "secret", "token", "key_value", "authorization")


class AuditEntry(BaseModel):
    """One audit row as the API shows it (and as a service sends one to POST /api/audit)."""

    id: int | None = None
    at: datetime | None = None
    actor: str = Field(max_length=255)
    actor_kind: str = Field("user", max_length=16)
    action: str = Field(max_length=64, pattern=r"^[a-z][a-z0-9_.-]*$")
    target: str | None = Field(None, max_length=255)
    outcome: Outcome = "ok"
    source_ip: str | None = Field(None, max_length=64)
    request_id: str | None = Field(None, max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict)


class AuditPage(BaseModel):
    records: list[AuditEntry]


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the address and the request id every row carries."""

    source_ip: str | None = None
    request_id: str | None = None

    @classmethod
    def of(cls, request: Request) -> Origin:
        client = request.client
        return cls(client.host if client else None, request_id_of(request.scope) or None)


def scrubbed(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in detail.items() if not any(word in k.lower() for word in SECRET_WORDS)}


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self._sessions = make_session_factory(engine)
        # SQLite has one writer at a time; a process lock keeps audit writes from timing out
        # behind each other.
        self._lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    def record(
        self,
        origin: Origin,
        *,
        actor: str,
        actor_kind: str,
        action: str,
        target: str | None = None,
        outcome: Outcome = "ok",
        detail: dict[str, Any] | None = None,
    ) -> None:
        row = AuditRecord(
            at=utcnow(),
            actor=actor[:255],
            actor_kind=actor_kind[:16],
            action=action,
            target=None if target is None else target[:255],
            outcome=outcome,
            source_ip=origin.source_ip,
            request_id=(origin.request_id or "")[:64] or None,
            detail=scrubbed(detail or {}),
        )
        if self._lock is None:
            self._add(row)
            return
        with self._lock:
            self._add(row)

    def record_by(
        self,
        origin: Origin,
        principal: Principal,
        action: str,
        target: str | None = None,
        outcome: Outcome = "ok",
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.record(
            origin,
            actor=principal.subject,
            actor_kind=principal.kind,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
        )

    def accept(self, entry: AuditEntry) -> AuditEntry:
        """Store a row a service sent, as it sent it (its time is ours, not the sender's)."""
        origin = Origin(entry.source_ip, entry.request_id)
        self.record(
            origin,
            actor=entry.actor,
            actor_kind=entry.actor_kind,
            action=entry.action,
            target=entry.target,
            outcome=entry.outcome,
            detail=entry.detail,
        )
        return entry

    def search(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first."""
        query = select(AuditRecord).order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        if actor is not None:
            query = query.where(AuditRecord.actor == actor)
        if action is not None:
            query = query.where(AuditRecord.action == action)
        if since is not None:
            query = query.where(AuditRecord.at >= since)
        if until is not None:
            query = query.where(AuditRecord.at < until)
        with self._sessions() as session:
            return [_entry(row) for row in session.scalars(query.limit(limit))]

    def _add(self, row: AuditRecord) -> None:
        with self._sessions.begin() as session:
            session.add(row)


def _entry(row: AuditRecord) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        actor_kind=row.actor_kind,
        action=row.action,
        target=row.target,
        outcome=row.outcome,
        source_ip=row.source_ip,
        request_id=row.request_id,
        detail=row.detail or {},
    )
