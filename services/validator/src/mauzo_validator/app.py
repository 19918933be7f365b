"""Composition root: settings -> object store -> broker and subscribers -> FastAPI app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.middleware import install_authentication
from mauzo_common.auth.principal import Role
from mauzo_common.auth.tokens import Tokens
from mauzo_common.http_errors import install_error_handlers
from mauzo_common.messaging import make_broker
from mauzo_common.object_store import open_object_store
from mauzo_common.observability.asgi import FASTAPI_TELEMETRY, install_metrics_route
from mauzo_common.throttle.middleware import install_limits
from mauzo_validator.api import router
from mauzo_validator.handlers import register
from mauzo_validator.schema import warm_up
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.stream_stage import StreamStage


def create_app(settings: ValidatorSettings | None = None) -> FastAPI:
    settings = settings or ValidatorSettings()
    broker = make_broker(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_object_store(settings)
        await asyncio.to_thread(warm_up)
        register(broker, store, settings)
        await broker.start()
        stream = StreamStage(settings) if settings.stream_enabled else None
        if stream is not None:
            await stream.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            if stream is not None:
                await stream.stop()
            await broker.stop()

    app = FastAPI(title="Mauzo validator", lifespan=lifespan, telemetry=FASTAPI_TELEMETRY)
    install_metrics_route(app, settings.observability, metrics_guard=guarded(Role.ADMIN))
    app.state.ready = False
    app.state.broker = broker
    app.state.settings = settings
    app.include_router(router)
    # ORDER: install_limits before the auth gate's install (the last added runs outermost),
    # so the limiter runs inside the gate and sees the principal.
    install_limits(app, settings, "validator")
    install_authentication(app, Tokens(settings))
    install_error_handlers(app, "validator", observed=settings.observability)

    @app.get("/api/health")
    async def health() -> JSONResponse:
        if not app.state.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app
