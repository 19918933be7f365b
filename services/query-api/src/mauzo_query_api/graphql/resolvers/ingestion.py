"""Ingestion: task status and lists from task-tracker, and the upload forwarded to upload."""

from __future__ import annotations

from mauzo_common.tasks import TaskState
from mauzo_query_api.clients.task_tracker import check_datasource
from mauzo_query_api.clients.upload import ReadableFile
from mauzo_query_api.deps import Ask
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.graphql.ingestion_types import (
    IngestionTask,
    UploadReceipt,
    ingestion_task,
)

MAX_TASKS = 500


async def task(ask: Ask, task_id: str) -> IngestionTask | None:
    ask.uncacheable()
    found = await ask.services.tracker.task(task_id, ask.request_id)
    return ingestion_task(found) if found is not None else None


async def tasks(
    ask: Ask, datasource: str | None, state: TaskState | None, limit: int
) -> list[IngestionTask]:
    ask.uncacheable()
    if not 1 <= limit <= MAX_TASKS:
        raise InvalidArgument(f"limit must be between 1 and {MAX_TASKS}")
    found = await ask.services.tracker.tasks(
        ask.request_id,
        datasource=datasource,
        state=state.value if state is not None else None,
        limit=limit,
    )
    return [ingestion_task(t) for t in found]


async def upload(ask: Ask, file: ReadableFile, datasource: str | None) -> UploadReceipt:
    ask.uncacheable()
    name = check_datasource(ask.datasource_name(datasource))
    answer = await ask.services.uploader.forward(file, name, ask.request_id)
    return UploadReceipt(task_id=answer.task_id, status_url=answer.status_url, status=answer.status)
