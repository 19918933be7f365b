"""Ingestion: task status and lists from task-tracker, and the upload forwarded to upload."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import datetime
from typing import TypeVar

from mauzo_common.datasources import is_datasource_name
from mauzo_common.tasks import TASK_ID_PATTERN, TaskState
from mauzo_common.tracker_client import TrackerUnavailable as Unanswered
from mauzo_query_api.clients.upload import ReadableFile
from mauzo_query_api.deps import Ask
from mauzo_query_api.errors import InvalidArgument, TrackerUnavailable
from mauzo_query_api.graphql.ingestion_types import (
    AuditRecord,
    IngestionTask,
    Stream,
    UploadReceipt,
    audit_record,
    ingestion_task,
    stream,
)

MAX_TASKS = 500
MAX_AUDIT = 1000  # task-tracker's own page limit
_TASK_ID = re.compile(TASK_ID_PATTERN)
T = TypeVar("T")


def check_datasource(name: str) -> str:
    if not is_datasource_name(name):
        raise InvalidArgument("datasource must be a letter then letters, digits or _ (max 64)")
    return name


async def task(ask: Ask, task_id: str) -> IngestionTask | None:
    ask.uncacheable()
    if not _TASK_ID.fullmatch(task_id):
        raise InvalidArgument("taskId must be 1-64 letters, digits, _ or -")
    found = await _answered(ask.services.tracker.task(task_id, ask.request_id))
    return ingestion_task(found) if found is not None else None


async def tasks(
    ask: Ask, datasource: str | None, state: TaskState | None, limit: int
) -> list[IngestionTask]:
    ask.uncacheable()
    if not 1 <= limit <= MAX_TASKS:
        raise InvalidArgument(f"limit must be between 1 and {MAX_TASKS}")
    found = await _answered(
        ask.services.tracker.tasks(
            datasource=check_datasource(datasource) if datasource is not None else None,
            state=state,
            limit=limit,
            request_id=ask.request_id,
        )
    )
    return [ingestion_task(t) for t in found]


async def streams(ask: Ask, datasource: str | None) -> list[Stream]:
    ask.uncacheable()
    found = await _answered(
        ask.services.tracker.streams(
            datasource=check_datasource(datasource) if datasource is not None else None,
            request_id=ask.request_id,
        )
    )
    return [stream(s) for s in found]


async def audit(
    ask: Ask,
    actor: str | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> list[AuditRecord]:
    ask.uncacheable()
    if not 1 <= limit <= MAX_AUDIT:
        raise InvalidArgument(f"limit must be between 1 and {MAX_AUDIT}")
    found = await _answered(
        ask.services.tracker.audit(
            actor=actor,
            action=action,
            since=since,
            until=until,
            limit=limit,
            request_id=ask.request_id,
        )
    )
    return [audit_record(r) for r in found]


async def upload(ask: Ask, file: ReadableFile, datasource: str | None) -> UploadReceipt:
    ask.uncacheable()
    name = check_datasource(ask.datasource_name(datasource))
    answer = await ask.services.uploader.forward(file, name, ask.request_id)
    return UploadReceipt(task_id=answer.task_id, status_url=answer.status_url, status=answer.status)


async def _answered(call: Awaitable[T]) -> T:
    try:
        return await call
    except Unanswered as exc:
        detail = "could not answer" if exc.reachable else "is not reachable"
        raise TrackerUnavailable(f"the task tracker {detail}") from exc
