"""`/api/streams`: create a datasource's Kafka supervisor, suspend, resume or reset it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.principal import Role
from mauzo_spec_builder.streams import Action, Streams

router = APIRouter(prefix="/api/streams", tags=["streams"], dependencies=guarded(Role.ADMIN))


class StreamRequest(BaseModel):
    datasource: str = Field(description="The datasource whose clean topic the supervisor reads")


def _streams(request: Request) -> Streams:
    streams: Streams = request.app.state.streams
    return streams


@router.post("", status_code=201)
async def create_stream(body: StreamRequest, request: Request) -> JSONResponse:
    """201 with the new supervisor, 200 when it existed already (nothing changes)."""
    stream = await _streams(request).ensure(body.datasource)
    return JSONResponse(stream.as_json(), status_code=201 if stream.created else 200)


async def _act(request: Request, datasource: str, action: Action) -> dict[str, Any]:
    return (await _streams(request).act(datasource, action)).as_json()


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
