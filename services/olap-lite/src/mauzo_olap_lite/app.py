"""Composition root: the DuckDB database, the task runner, the SQL engine and the routers.

Error mapping happens here once: DruidError -> Druid's error body with the category's status;
OverlordError -> `{"error": message}` with its status (docs/druid.md#overlord-task-api,
docs/druid.md#error-bodies).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mauzo_common.observability.asgi import FASTAPI_TELEMETRY, install_observability
from mauzo_olap_lite.api import metadata, native, sql, supervisors, tasks
from mauzo_olap_lite.api.deps import Components
from mauzo_olap_lite.database import Database
from mauzo_olap_lite.errors import DruidError, OverlordError
from mauzo_olap_lite.native.engine import NativeEngine
from mauzo_olap_lite.security import BasicAuthentication, credentials
from mauzo_olap_lite.settings import OlapLiteSettings
from mauzo_olap_lite.sql.engine import SqlEngine
from mauzo_olap_lite.sql.system_tables import create_views
from mauzo_olap_lite.supervisors import shapes, store
from mauzo_olap_lite.supervisors.manager import SupervisorManager
from mauzo_olap_lite.tasks.runner import TaskRunner

log = structlog.get_logger(__name__)


def open_components(settings: OlapLiteSettings) -> Components:
    db = Database(
        settings.db_path,
        threads=settings.olap_lite_threads,
        memory_limit=settings.olap_lite_memory_limit,
        checkpoint_threshold=settings.olap_lite_checkpoint_threshold,
    )
    create_views(db.thread_cursor())
    engine = SqlEngine(db, settings.olap_lite_query_timeout_ms)
    runner = TaskRunner(db, settings, on_published=engine.invalidate)
    failed = runner.recover()
    log.info("olap_lite_opened", db_path=str(settings.db_path), interrupted_tasks_failed=failed)
    native_engine = NativeEngine(db, engine, settings.olap_lite_query_timeout_ms)
    return Components(settings=settings, db=db, tasks=runner, sql=engine, native=native_engine)


def create_app(settings: OlapLiteSettings | None = None) -> FastAPI:
    settings = settings or OlapLiteSettings()
    username, password = credentials(settings)  # first: no password, no start

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        components = open_components(settings)
        app.state.components = components
        manager = SupervisorManager(components.db, on_published=components.sql.appended)
        app.state.supervisors = manager
        components.sql.refresh_before(
            "sys_supervisors",
            lambda cur: store.write_states(cur, shapes.state_rows(manager.runners())),
        )
        resumed = await manager.open()
        log.info("supervisors_loaded", supervisors=resumed)
        try:
            yield
        finally:
            await manager.close()
            components.tasks.close()
            components.db.close()

    app = FastAPI(title="Mauzo olap-lite", lifespan=lifespan, telemetry=FASTAPI_TELEMETRY)
    install_observability(app, settings.observability)
    app.add_middleware(BasicAuthentication, username=username, password=password)
    app.include_router(tasks.router)
    app.include_router(sql.router)
    app.include_router(native.router)
    app.include_router(metadata.router)
    app.include_router(supervisors.router)

    @app.exception_handler(DruidError)
    async def druid_error(request: Request, exc: DruidError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(OverlordError)
    async def overlord_error(request: Request, exc: OverlordError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    return app
