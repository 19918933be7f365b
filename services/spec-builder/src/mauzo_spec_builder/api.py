"""`/api/streams`: create a datasource's Kafka supervisor, suspend, resume or reset it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from mauzo_common.audit_trail import AuditTrail
from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.principal import Role
from mauzo_spec_builder.streams import Action, Streams

router = APIRouter(prefix="/api/streams", tags=["streams"], dependencies=guarded(Role.ADMIN))


class StreamRequest(BaseModel):
    datasource: str = Field(description="The datasource whose clean topic the supervisor reads")


def _streams(request: Request) -> Streams:
    streams: Streams = request.app.state.streams
    return streams


async def _audited(request: Request, action: str, datasource: str, work: Any) -> Any:
    """Runs the change and records it in the audit log (task-tracker), failed or not."""
    trail: AuditTrail | None = getattr(request.app.state, "audit", None)
    try:
        result = await work
    except Exception as exc:
        if trail is not None:
            code = getattr(exc, "code", type(exc).__name__)
            await trail.record(request, action, datasource, "failed", {"error": str(code)})
        raise
    if trail is not None:
        await trail.record(request, action, datasource)
    return result


@router.post("", status_code=201)
async def create_stream(body: StreamRequest, request: Request) -> JSONResponse:
    """201 with the new supervisor, 200 when it existed already (nothing changes)."""
    work = _streams(request).ensure(body.datasource)
    stream = await _audited(request, "stream.create", body.datasource, work)
    return JSONResponse(stream.as_json(), status_code=201 if stream.created else 200)


async def _act(request: Request, datasource: str, action: Action) -> dict[str, Any]:
    work = _streams(request).act(datasource, action)
    result: dict[str, Any] = (
        await _audited(request, f"stream.{action}", datasource, work)
    ).as_json()
    return result


@router.post("/{datasource}/suspend")
async def suspend_stream(datasource: str, request: Request) -> dict[str, Any]:
    return await _act(request, datasource, "suspend")


@router.post("/{datasource}/resume")
async def resume_stream(datasource: str, request: Request) -> dict[str, Any]:
    return await _act(request, datasource, "resume")


@router.post("/{datasource}/reset")
async def reset_stream(datasource: str, request: Request) -> dict[str, Any]:
    """Forget the stored offsets: the supervisor reads the clean topic from its start again."""
    return await _act(request, datasource, "reset")
