"""Overlord task API (/druid/indexer/v1), docs/druid.md#overlord-task-api."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from mauzo_olap_lite.api.deps import Components, components
from mauzo_olap_lite.errors import OverlordError
from mauzo_olap_lite.tasks import repository
from mauzo_olap_lite.tasks.shapes import report, status_plus

router = APIRouter(prefix="/druid/indexer/v1")
Deps = Annotated[Components, Depends(components)]


def _location(c: Components) -> dict[str, Any]:
    return {"host": c.settings.host, "port": c.settings.olap_lite_port, "tlsPort": -1}


@router.post("/task")
async def submit(request: Request, c: Deps) -> dict[str, str]:
    if "json" not in request.headers.get("content-type", "application/json"):
        raise OverlordError(415, "Unsupported Media Type: the task must be JSON")
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise OverlordError(500, f"Malformed task payload: {exc}") from exc
    task_id = await run_in_threadpool(c.tasks.submit, body)
    return {"task": task_id}


@router.get("/task/{task_id}")
def task_payload(task_id: str, c: Deps) -> Response:
    record = repository.get(c.db.thread_cursor(), task_id)
    if record is None:
        return JSONResponse({"task": task_id, "payload": None}, status_code=404)
    return JSONResponse({"task": task_id, "payload": record.payload})


@router.get("/task/{task_id}/status")
def task_status(task_id: str, c: Deps) -> Response:
    record = repository.get(c.db.thread_cursor(), task_id)
    if record is None:
        return JSONResponse({"task": task_id, "status": None}, status_code=404)
    return JSONResponse({"task": task_id, "status": status_plus(record, _location(c))})


@router.get("/task/{task_id}/reports")
def task_reports(task_id: str, c: Deps) -> Response:
    record = repository.get(c.db.thread_cursor(), task_id)
    if record is None:
        return JSONResponse(
            {
                "error": f"No task reports were found for this task. The task may not exist, "
                f"or it may not have begun running yet. [{task_id}]"
            },
            status_code=404,
        )
    if record.report is not None:
        return JSONResponse(record.report)
    progress = c.tasks.progress(task_id)
    stats = progress.stats.as_dict() if progress and progress.stats else None
    state = progress.state if progress else "NOT_STARTED"
    events = progress.events if progress else []
    return JSONResponse(
        report(
            task_id, state=state, build_segments=stats, unparseable_events=events, error_msg=None
        )
    )


@router.get("/task/{task_id}/log")
def task_log(task_id: str, c: Deps, offset: int = 0) -> Response:
    record = repository.get(c.db.thread_cursor(), task_id)
    if record is None:
        return PlainTextResponse(
            "No log was found for this task. The task may not exist, or it may not have begun "
            "running yet.",
            status_code=404,
        )
    text = record.log
    if record.status == "RUNNING" and (progress := c.tasks.progress(task_id)) is not None:
        text = "\n".join(progress.lines) + "\n"
    return PlainTextResponse(text[offset:])


@router.post("/task/{task_id}/shutdown")
def task_shutdown(task_id: str, c: Deps) -> dict[str, str]:
    c.tasks.shutdown(task_id)
    return {"task": task_id}


@router.get("/tasks")
def tasks(
    c: Deps,
    state: str | None = None,
    datasource: str | None = None,
    max: int | None = None,
    type: str | None = None,
) -> list[dict[str, Any]]:
    if state is not None and state.lower() not in ("running", "complete", "waiting", "pending"):
        raise OverlordError(
            400, f"Invalid state : {state}, valid values are: [pending, waiting, running, complete]"
        )
    records = repository.listing(
        c.db.thread_cursor(),
        state=state.lower() if state else None,
        datasource=datasource,
        max_complete=max,
        task_type=type,
    )
    return [status_plus(r, _location(c)) for r in records]


@router.get("/isLeader")
def is_leader() -> dict[str, bool]:
    return {"leader": True}
