"""HTTP routes: task registration (from upload), status, listing, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from mauzo_common.events import ErrorInfo
from mauzo_task_tracker.deps import Repository
from mauzo_task_tracker.lifecycle import TaskState
from mauzo_task_tracker.schemas import (
    DATASOURCE_PATTERN,
    SHA256_PATTERN,
    TASK_ID_PATTERN,
    Registration,
    TaskList,
    TaskStatus,
)

router = APIRouter(prefix="/api")
TaskId = Annotated[str, Path(pattern=TASK_ID_PATTERN)]


@router.post("/ingest/tasks", response_model=TaskStatus, status_code=status.HTTP_201_CREATED)
def register_task(
    registration: Registration, repository: Repository, response: Response
) -> TaskStatus:
    task, created = repository.register(registration)
    if not created:
        response.status_code = status.HTTP_200_OK
    return task


@router.post("/ingest/tasks/{task_id}/abort", response_model=TaskStatus)
def abort_task(task_id: TaskId, error: ErrorInfo, repository: Repository) -> TaskStatus:
    """Fail a task whose upload could not be completed (called by upload, never by users)."""
    return repository.abort(task_id, error)


@router.get("/ingest/status/{task_id}", response_model=TaskStatus)
def task_status(task_id: TaskId, repository: Repository) -> TaskStatus:
    return repository.get(task_id)


@router.get("/ingest/tasks", response_model=TaskList)
def list_tasks(
    repository: Repository,
    datasource: Annotated[str | None, Query(pattern=DATASOURCE_PATTERN)] = None,
    state: TaskState | None = None,
    sha256: Annotated[str | None, Query(pattern=SHA256_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> TaskList:
    tasks = repository.search(datasource=datasource, state=state, sha256=sha256, limit=limit)
    return TaskList(tasks=tasks)


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    broker = request.app.state.broker
    if await broker.ping(timeout=2.0):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable", "reason": "broker not connected"}, 503)
