"""Composition root: the FastAPI app whose lifespan runs the Kafka subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from mauzo_common.audit_trail import AuditTrail
from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.middleware import install_authentication
from mauzo_common.auth.principal import Role
from mauzo_common.auth.service import service_auth
from mauzo_common.auth.tokens import Tokens
from mauzo_common.druid.client import DruidClient
from mauzo_common.events import Envelope, FileValidated, StreamOpened
from mauzo_common.http_errors import install_error_handlers
from mauzo_common.messaging import Consumer, make_broker
from mauzo_common.object_store import open_object_store
from mauzo_common.observability.asgi import FASTAPI_TELEMETRY, install_metrics_route
from mauzo_common.throttle.middleware import install_limits
from mauzo_spec_builder.api import router
from mauzo_spec_builder.handlers import PRODUCER, Handlers
from mauzo_spec_builder.settings import SpecBuilderSettings
from mauzo_spec_builder.streams import Streams

GROUP = "mauzo-spec-builder"

log = structlog.get_logger(__name__)


def create_app(settings: SpecBuilderSettings | None = None) -> FastAPI:
    settings = settings or SpecBuilderSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await asyncio.to_thread(open_object_store, settings)
        async with httpx.AsyncClient() as http:
            broker = make_broker(settings)
            overlord = DruidClient.from_settings(
                http, settings, timeout=settings.druid_submit_timeout_seconds
            )
            handlers = Handlers(broker=broker, store=store, overlord=overlord)
            consumer = Consumer(broker, settings, group=GROUP, producer=PRODUCER)
            streams = Streams(
                overlord,
                bootstrap_servers=settings.supervisor_bootstrap(),
                fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            )

            async def on_stream_opened(envelope: Envelope[StreamOpened]) -> None:
                await streams.ensure(envelope.payload.datasource)

            consumer.on_each(
                {FileValidated: handlers.on_file_validated, StreamOpened: on_stream_opened}
            )
            app.state.streams = streams
            app.state.broker = broker
            audit_client = httpx.AsyncClient(auth=service_auth(Tokens(settings), "spec-builder"))
            app.state.audit = AuditTrail(settings.tracker_url, audit_client)
            await broker.start()
            log.info("started", overlord_url=settings.overlord_url, object_store=store.kind)
            try:
                yield
            finally:
                await broker.stop()
                await audit_client.aclose()
                log.info("stopped")

    app = FastAPI(title="Mauzo spec-builder", lifespan=lifespan, telemetry=FASTAPI_TELEMETRY)
    install_metrics_route(app, settings.observability, metrics_guard=guarded(Role.ADMIN))
    app.state.broker = None
    app.include_router(router)
    # ORDER: install_limits before the auth gate's install (the last added runs outermost),
    # so the limiter runs inside the gate and sees the principal.
    install_limits(app, settings, "spec-builder")
    install_authentication(app, Tokens(settings))
    install_error_handlers(app, "spec-builder", observed=settings.observability)

    @app.get("/api/health")
    async def health() -> JSONResponse:
        broker = app.state.broker
        if broker is None or not broker.running:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app
