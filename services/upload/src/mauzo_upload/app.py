"""Composition root of upload: store, broker, task-tracker client, HTTP API, error mapping."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from mauzo_common.errors import InputRejected
from mauzo_common.http import error_response, install_error_handlers
from mauzo_common.messaging import make_broker
from mauzo_common.object_store import open_object_store
from mauzo_common.observability.asgi import install_observability
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
    "password_protected": 415,
    "extension_mismatch": 415,
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
    install_observability(app)
    app.state.settings = settings
    app.state.broker = broker
    app.state.uploader = Uploader(store, tracker, broker, settings)
    app.include_router(router)
    install_error_handlers(app, "upload")
    _map_errors(app)
    return app


def _map_errors(app: FastAPI) -> None:
    @app.exception_handler(InputRejected)
    async def rejected(_: Request, exc: InputRejected) -> JSONResponse:
        status = STATUS_OF_CODE.get(exc.code, 422)
        log.info("upload_refused", code=exc.code, status=status)
        return error_response(status, exc.code, exc.message, exc.hint)

    @app.exception_handler(DependencyUnavailable)
    async def unavailable(_: Request, exc: DependencyUnavailable) -> JSONResponse:
        log.warning("upload_failed", code=exc.code, error=exc.message)
        return error_response(503, exc.code, exc.message, exc.hint)

    @app.exception_handler(ClientDisconnect)
    async def disconnected(_: Request, exc: ClientDisconnect) -> JSONResponse:
        log.info("upload_abandoned")
        return error_response(400, "client_disconnected", "The client went away mid-upload.")
