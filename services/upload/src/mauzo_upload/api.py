"""HTTP routes: the streaming file upload and health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse

from mauzo_common.auth.dependencies import guarded, principal_of
from mauzo_common.auth.principal import Role
from mauzo_upload.deps import UploaderDep
from mauzo_upload.quotas import Tally, UploadQuotas
from mauzo_upload.receiving import too_large

router = APIRouter(prefix="/api")
MULTIPART_OVERHEAD = 64 * 1024


@router.post(
    "/ingest/upload", status_code=status.HTTP_202_ACCEPTED, dependencies=guarded(Role.UPLOADER)
)
async def upload_file(
    request: Request,
    uploader: UploaderDep,
    datasource: Annotated[str | None, Query()] = None,
    replace: Annotated[bool, Query()] = False,
) -> JSONResponse:
    """multipart/form-data: `file`, `datasource` (or ?datasource=), optional `replace`.

    202 {"task_id", "status_url", "status": "received"}; 200 with "status": "duplicate" and the
    first task when the same bytes were already uploaded to this datasource (unless replace);
    `restarted` says whether that task had stalled and was started again.
    """
    declared = request.headers.get("content-length", "")
    limit = uploader.settings.max_upload_bytes
    if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise too_large(limit)  # refused before a byte of the body is read
    principal = principal_of(request)
    quotas: UploadQuotas = request.app.state.quotas
    await quotas.admit(principal, int(declared) if declared.isdigit() else 0)
    received = Tally(request.stream())
    try:
        outcome = await uploader.ingest(
            aiter(received),
            request.headers.get("content-type", ""),
            datasource=datasource,
            replace=replace,
            # The task is the caller's: task-tracker shows an uploader only the tasks it owns.
            owner=principal.subject,
        )
    finally:
        await quotas.spend(principal, received.total)
    body: dict[str, str | bool] = {
        "task_id": outcome.task_id,
        "status_url": outcome.status_url,
        "status": outcome.status,
    }
    if outcome.duplicate_of is not None:
        body["duplicate_of"] = outcome.duplicate_of
        body["restarted"] = outcome.restarted
        return JSONResponse(body, status.HTTP_200_OK)
    return JSONResponse(body, status.HTTP_202_ACCEPTED)


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    if await request.app.state.broker.ping(timeout=2.0):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable", "reason": "broker not connected"}, 503)
