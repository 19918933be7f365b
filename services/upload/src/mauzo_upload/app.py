"""Composition root of upload: store, broker, task-tracker client, HTTP API, error mapping."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from mauzo_common.errors import InputRejected
from mauzo_common.logging import bind, unbind
from mauzo_common.messaging import make_broker
from mauzo_common.object_store import open_object_store
from mauzo_upload.api import router
from mauzo_upload.errors import DependencyUnavailable
from mauzo_upload.ingest import Uploader
from mauzo_upload.settings import UploadSettings
from mauzo_upload.tracker import TrackerClient

log = structlog.get_logger(__name__)

# Bad input → HTTP status; every other InputRejected code is 422.
STATUS_OF_CODE = {
    "file_too_large": 413,
    "not_multipart": 415,
    "unsupported_file_type": 415,
    "unsupported_archive": 415,
    "encrypted_file": 415,
    "malformed_multipart": 400,
}


def create_app(settings: UploadSettings | None = None) -> FastAPI:
    settings = settings or UploadSettings()
    store = open_object_store(settings)
    broker = make_broker(settings)
    client = httpx.AsyncClient()
    tracker = TrackerClient(settings.tracker_url, client, settings.tracker_timeout_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        log.info("upload_started", store=store.kind, limit=settings.max_upload_bytes)
        try:
            yield
        finally:
            await broker.stop()
            await client.aclose()

    app = FastAPI(title="Mauzo upload", lifespan=lifespan)
    app.state.settings = settings
    app.state.broker = broker
    app.state.uploader = Uploader(store, tracker, broker, settings)
    app.include_router(router)
    app.middleware("http")(_request_context)
    _map_errors(app)
    return app


async def _request_context(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    bind(request_id=request_id)
    try:
        response = await call_next(request)
    finally:
        unbind("request_id", "task_id")
    response.headers["x-request-id"] = request_id
    return response


def _error(status: int, code: str, message: str, hint: str = "") -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "hint": hint}}, status)


def _map_errors(app: FastAPI) -> None:
    @app.exception_handler(InputRejected)
    async def rejected(_: Request, exc: InputRejected) -> JSONResponse:
        status = STATUS_OF_CODE.get(exc.code, 422)
        log.info("upload_refused", code=exc.code, status=status)
        return _error(status, exc.code, exc.message, exc.hint)

    @app.exception_handler(DependencyUnavailable)
    async def unavailable(_: Request, exc: DependencyUnavailable) -> JSONResponse:
        log.warning("upload_failed", code=exc.code, error=exc.message)
        return _error(503, exc.code, exc.message, exc.hint)

    @app.exception_handler(ClientDisconnect)
    async def disconnected(_: Request, exc: ClientDisconnect) -> JSONResponse:
        log.info("upload_abandoned")
        return _error(400, "client_disconnected", "The client went away mid-upload.")

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return _error(422, "invalid_request", problems, "Fix the listed fields and retry.")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "http_error"
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("request_failed", error=repr(exc))
        return _error(500, "internal_error", "The upload failed unexpectedly.", "Retry.")
