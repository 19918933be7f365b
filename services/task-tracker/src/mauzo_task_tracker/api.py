"""HTTP routes: task registration (from upload), status, listing, health."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from mauzo_common.auth.dependencies import guarded, principal_of, require
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.datasources import DATASOURCE_PATTERN
from mauzo_common.events import ErrorInfo
from mauzo_common.tasks import TASK_ID_PATTERN, TaskState
from mauzo_common.uploads import SHA256_PATTERN, UploadRegistration
from mauzo_task_tracker.artifacts import check_rejected_rows, read_report, stream_object
from mauzo_task_tracker.deps import Changes, ReconcilerDep, Repository, RetractorDep, Store
from mauzo_task_tracker.errors import TaskNotFound
from mauzo_task_tracker.identity.audit import AuditLog, Origin
from mauzo_task_tracker.schemas import Restart, TaskList, TaskStatus
from mauzo_task_tracker.streams import StreamStatus, stream_statuses

router = APIRouter(prefix="/api")
TaskId = Annotated[str, Path(pattern=TASK_ID_PATTERN)]
Caller = Annotated[Principal, Depends(principal_of)]


def sees_every_task(caller: Principal) -> bool:
    # Viewers read everything (read-only); an uploader follows only what it uploaded.
    return caller.is_service or caller.role != Role.UPLOADER


def visible(caller: Principal, task: TaskStatus) -> TaskStatus:
    """The task, or 404 as if it did not exist: an uploader must not learn others' task ids."""
    if sees_every_task(caller) or (task.owner is not None and task.owner == caller.subject):
        return task
    raise TaskNotFound(task.task_id)


def subject_kind(subject: str) -> str:
    return "machine" if subject.startswith("key:") else "user"


# Registration, abort and restart are upload's steps (a service passes every check); a person
# doing them is an operator.
@router.post(
    "/ingest/tasks",
    response_model=TaskStatus,
    status_code=status.HTTP_201_CREATED,
    dependencies=guarded(Role.ADMIN),
)
def register_task(
    registration: UploadRegistration,
    repository: Repository,
    response: Response,
    request: Request,
    caller: Caller,
) -> TaskStatus:
    # A service (upload) registers on behalf of the uploader it names; anyone else owns it.
    owner = registration.owner if caller.is_service else caller.subject
    task, created = repository.register(registration.model_copy(update={"owner": owner}))
    if not created:
        response.status_code = status.HTTP_200_OK
        return task
    audit: AuditLog = request.app.state.audit
    actor = owner or caller.subject
    audit.record(
        Origin.of(request), actor=actor, actor_kind=subject_kind(actor) if owner else caller.kind,
        action="task.upload", target=task.task_id,
        detail={"datasource": task.datasource, "file_name": task.file_name,
                "bytes": task.size_bytes, "via": caller.subject},
    )  # fmt: skip
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
    caller: Caller,
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
    def read() -> TaskStatus:
        return visible(caller, repository.get(task_id))

    if changed_from is None or wait_seconds == 0:
        return await run_in_threadpool(read)
    return await changes.wait_for_change(read, changed_from, wait_seconds)


@router.delete(
    "/ingest/tasks/{task_id}/data",
    response_model=TaskStatus,
    status_code=status.HTTP_202_ACCEPTED,
)
async def retract_data(
    task_id: TaskId,
    retractor: RetractorDep,
    request: Request,
    admin: Annotated[Principal, Depends(require(Role.ADMIN))],
) -> TaskStatus:
    """Retract exactly this upload's rows; answers the retraction task (follow its status).
    Admins only: it removes data others rely on."""
    audit: AuditLog = request.app.state.audit
    origin = Origin.of(request)
    try:
        retraction = await retractor.retract(task_id)
    except Exception as exc:
        code = getattr(exc, "code", type(exc).__name__)
        await run_in_threadpool(
            audit.record_by, origin, admin, "task.retract", task_id, "failed", {"error": code}
        )
        raise
    await run_in_threadpool(audit.record_by, origin, admin, "task.retract", task_id, "ok",
                            {"retraction_task_id": retraction.task_id})  # fmt: skip
    return retraction


@router.get("/ingest/tasks/{task_id}/report", dependencies=guarded(Role.VIEWER))
async def quality_report(
    task_id: TaskId, repository: Repository, store: Store, caller: Caller
) -> JSONResponse:
    task = visible(caller, await run_in_threadpool(repository.get, task_id))
    body = await run_in_threadpool(read_report, store, task_id, task.report_key)
    return JSONResponse(body)


@router.get("/ingest/tasks/{task_id}/rejected-rows", dependencies=guarded(Role.VIEWER))
async def rejected_rows(
    task_id: TaskId, repository: Repository, store: Store, caller: Caller
) -> StreamingResponse:
    task = visible(caller, await run_in_threadpool(repository.get, task_id))
    key = await run_in_threadpool(check_rejected_rows, store, task_id, task.rejected_rows_key)
    return StreamingResponse(
        stream_object(store, key),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rejected-rows-{task_id}.csv"'},
    )


@router.get("/ingest/tasks", response_model=TaskList, dependencies=guarded(Role.VIEWER))
def list_tasks(
    repository: Repository,
    caller: Caller,
    datasource: Annotated[str | None, Query(pattern=DATASOURCE_PATTERN)] = None,
    state: TaskState | None = None,
    sha256: Annotated[str | None, Query(pattern=SHA256_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> TaskList:
    owner = None if sees_every_task(caller) else caller.subject
    tasks = repository.search(
        datasource=datasource, state=state, sha256=sha256, owner=owner, limit=limit
    )
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
