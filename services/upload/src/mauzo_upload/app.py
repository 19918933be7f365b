"""Composition root of upload: store, broker, task-tracker client, HTTP API, error handlers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import structlog
from fastapi import FastAPI

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.middleware import install_authentication
from mauzo_common.auth.principal import Role
from mauzo_common.auth.service import service_auth
from mauzo_common.auth.tokens import Tokens
from mauzo_common.http_errors import install_error_handlers
from mauzo_common.messaging import make_broker
from mauzo_common.object_store import open_object_store
from mauzo_common.observability.asgi import FASTAPI_TELEMETRY, install_metrics_route
from mauzo_common.throttle.middleware import install_limits
from mauzo_common.tracker_client import TaskTrackerClient
from mauzo_upload.api import router
from mauzo_upload.ingest import Uploader
from mauzo_upload.quotas import UploadQuotas
from mauzo_upload.settings import UploadSettings

log = structlog.get_logger(__name__)


def create_app(settings: UploadSettings | None = None) -> FastAPI:
    settings = settings or UploadSettings()
    store = open_object_store(settings)
    broker = make_broker(settings)
    tokens = Tokens(settings)
    # Only task-tracker is called with this client: registration, abort and restart are
    # the stack's own steps, whoever uploaded.
    client = httpx.AsyncClient(auth=service_auth(tokens, "upload"))
    tracker = TaskTrackerClient(settings.tracker_url, client, settings.tracker_timeout_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        log.info("upload_started", store=store.kind, limit=settings.max_upload_bytes)
        try:
            yield
        finally:
            await broker.stop()
            await client.aclose()

    app = FastAPI(title="Mauzo upload", lifespan=lifespan, telemetry=FASTAPI_TELEMETRY)
    install_metrics_route(app, settings.observability, metrics_guard=guarded(Role.ADMIN))
    app.state.settings = settings
    app.state.broker = broker
    app.state.uploader = Uploader(store, tracker, broker, settings)
    app.state.quotas = UploadQuotas(settings)
    app.include_router(router)
    # ORDER: install_limits before the auth gate's install (the last added runs outermost),
    # so the limiter runs inside the gate and sees the principal.
    install_limits(app, settings, "upload")
    install_authentication(app, tokens)
    install_error_handlers(app, "upload", observed=settings.observability)
    return app
