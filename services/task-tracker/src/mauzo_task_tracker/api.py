"""HTTP routes: task registration (from upload), status, listing, health."""

from __future__ import annotations

import asyncio
import functools
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.principal import Role
from mauzo_common.datasources import DATASOURCE_PATTERN
from mauzo_common.events import ErrorInfo
from mauzo_common.tasks import TASK_ID_PATTERN, TaskState
from mauzo_common.uploads import SHA256_PATTERN, UploadRegistration
from mauzo_task_tracker.artifacts import check_rejected_rows, read_report, stream_object
from mauzo_task_tracker.deps import Changes, ReconcilerDep, Repository, RetractorDep, Store
from mauzo_task_tracker.schemas import Restart, TaskList, TaskStatus
from mauzo_task_tracker.streams import StreamStatus, stream_statuses

router = APIRouter(prefix="/api")
TaskId = Annotated[str, Path(pattern=TASK_ID_PATTERN)]


# Registration, abort and restart are upload's steps (a service passes every check); a person
# doing them is an operator.
@router.post(
    "/ingest/tasks",
    response_model=TaskStatus,
    status_code=status.HTTP_201_CREATED,
    dependencies=guarded(Role.ADMIN),
)
def register_task(
    registration: UploadRegistration, repository: Repository, response: Response
) -> TaskStatus:
    task, created = repository.register(registration)
    if not created:
        response.status_code = status.HTTP_200_OK
    return task


@router.post(
    "/ingest/tasks/{task_id}/abort", response_model=TaskStatus, dependencies=guarded(Role.ADMIN)
)
def abort_task(task_id: TaskId, error: ErrorInfo, repository: Repository) -> TaskStatus:
    """Fail a task whose upload could not be completed (called by upload, never by users)."""
    return repository.abort(task_id, error)


@router.post(
    "/ingest/tasks/{task_id}/restart", response_model=Restart, dependencies=guarded(Role.ADMIN)
)
async def restart_task(
    task_id: TaskId, repository: Repository, reconciler: ReconcilerDep
) -> Restart:
    """Start an unfinished load's step again (upload calls it when the same bytes are dropped
    again): done only when the load changed nothing for `restart_quiet_seconds`."""
    restarted = await reconciler.restart(task_id)
    return Restart(restarted=restarted, task=await asyncio.to_thread(repository.get, task_id))


@router.get(
    "/ingest/status/{task_id}", response_model=TaskStatus, dependencies=guarded(Role.VIEWER)
)
async def task_status(
    task_id: TaskId,
    repository: Repository,
    changes: Changes,
    changed_from: Annotated[
        str | None,
        Query(
            max_length=32,
            description="Long-poll: answer once the task's state is no longer this one",
        ),
    ] = None,
    wait_seconds: Annotated[
        float, Query(ge=0, le=60, description="Long-poll: answer after this long at the latest")
    ] = 0,
) -> TaskStatus:
    read = functools.partial(repository.get, task_id)
    if changed_from is None or wait_seconds == 0:
        return await run_in_threadpool(read)
    return await changes.wait_for_change(read, changed_from, wait_seconds)


@router.delete(
    "/ingest/tasks/{task_id}/data",
    response_model=TaskStatus,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=guarded(Role.ADMIN),
)
async def retract_data(task_id: TaskId, retractor: RetractorDep) -> TaskStatus:
    """Retract exactly this upload's rows; answers the retraction task (follow its status)."""
    return await retractor.retract(task_id)


@router.get("/ingest/tasks/{task_id}/report", dependencies=guarded(Role.VIEWER))
async def quality_report(task_id: TaskId, repository: Repository, store: Store) -> JSONResponse:
    task = await run_in_threadpool(repository.get, task_id)
    body = await run_in_threadpool(read_report, store, task_id, task.report_key)
    return JSONResponse(body)


@router.get("/ingest/tasks/{task_id}/rejected-rows", dependencies=guarded(Role.VIEWER))
async def rejected_rows(task_id: TaskId, repository: Repository, store: Store) -> StreamingResponse:
    task = await run_in_threadpool(repository.get, task_id)
    key = await run_in_threadpool(check_rejected_rows, store, task_id, task.rejected_rows_key)
    return StreamingResponse(
        stream_object(store, key),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rejected-rows-{task_id}.csv"'},
    )


@router.get("/ingest/tasks", response_model=TaskList, dependencies=guarded(Role.VIEWER))
def list_tasks(
    repository: Repository,
    datasource: Annotated[str | None, Query(pattern=DATASOURCE_PATTERN)] = None,
    state: TaskState | None = None,
    sha256: Annotated[str | None, Query(pattern=SHA256_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> TaskList:
    tasks = repository.search(datasource=datasource, state=state, sha256=sha256, limit=limit)
    return TaskList(tasks=tasks)


@router.get("/streams", response_model=list[StreamStatus], dependencies=guarded(Role.ADMIN))
async def list_streams(request: Request, datasource: str | None = None) -> list[StreamStatus]:
    """Every streamed datasource: supervisor state, records in / valid / rejected / duplicate,
    rows loaded, lag, rate and the last error."""
    return await stream_statuses(
        request.app.state.streams, request.app.state.druid, datasource=datasource
    )


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    broker = request.app.state.broker
    if await broker.ping(timeout=2.0):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable", "reason": "broker not connected"}, 503)
