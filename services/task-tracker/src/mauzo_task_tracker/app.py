"""Composition root of task-tracker: database, broker, consumers, Overlord follower, HTTP API."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mauzo_common.db import make_engine
from mauzo_common.logging import bind, unbind
from mauzo_common.messaging import make_broker
from mauzo_common.object_store import open_object_store
from mauzo_task_tracker.api import router
from mauzo_task_tracker.artifacts import ArtifactMissing
from mauzo_task_tracker.errors import (
    RetractionFailed,
    TaskAlreadyFinished,
    TaskNotFound,
    TaskNotRetractable,
)
from mauzo_task_tracker.follower import OverlordFollower
from mauzo_task_tracker.handlers import register_handlers
from mauzo_task_tracker.lifecycle import PRODUCER
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.retraction import Retractor
from mauzo_task_tracker.settings import TrackerSettings
from mauzo_task_tracker.subscription import SingleMemberConsumer

log = structlog.get_logger(__name__)
GROUP = "mauzo-task-tracker"


def create_app(settings: TrackerSettings | None = None) -> FastAPI:
    settings = settings or TrackerSettings()
    engine = make_engine(settings.sqlalchemy_url)
    repository = TaskRepository(engine)
    broker = make_broker(settings)
    client = httpx.AsyncClient()
    follower = OverlordFollower(repository, broker, settings, client)
    consumer = SingleMemberConsumer(broker, settings, group=GROUP, producer=PRODUCER)
    register_handlers(consumer, repository, follower)
    retractor = Retractor(repository, settings, client, follower)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(upgrade_database, engine)
        app.state.store = await asyncio.to_thread(open_object_store, settings)
        await broker.start()
        following = asyncio.create_task(follower.run(), name="overlord-follower")
        log.info("task_tracker_started", database=engine.dialect.name)
        try:
            yield
        finally:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
            await broker.stop()
            await client.aclose()
            engine.dispose()

    app = FastAPI(title="Mauzo task-tracker", lifespan=lifespan)
    app.state.settings = settings
    app.state.repository = repository
    app.state.broker = broker
    app.state.follower = follower
    app.state.retractor = retractor
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
        unbind("request_id")
    response.headers["x-request-id"] = request_id
    return response


def _error(status: int, code: str, message: str, hint: str = "") -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "hint": hint}}, status)


def _map_errors(app: FastAPI) -> None:
    @app.exception_handler(TaskNotFound)
    async def not_found(_: Request, exc: TaskNotFound) -> JSONResponse:
        return _error(
            404,
            "task_not_found",
            f"Task {exc.task_id!r} was never registered here.",
            "Use the task_id returned by POST /api/ingest/upload.",
        )

    @app.exception_handler(TaskAlreadyFinished)
    async def finished(_: Request, exc: TaskAlreadyFinished) -> JSONResponse:
        return _error(409, "task_finished", str(exc), "A finished task cannot change any more.")

    @app.exception_handler(TaskNotRetractable)
    async def not_retractable(_: Request, exc: TaskNotRetractable) -> JSONResponse:
        return _error(
            409,
            "task_not_retractable",
            str(exc),
            "Only a succeeded upload's rows can be retracted, once.",
        )

    @app.exception_handler(RetractionFailed)
    async def retraction_failed(_: Request, exc: RetractionFailed) -> JSONResponse:
        message = f"Retraction {exc.retraction_id} failed: {exc.message}"
        return _error(502, exc.code, message, exc.hint)

    @app.exception_handler(ArtifactMissing)
    async def missing(_: Request, exc: ArtifactMissing) -> JSONResponse:
        return _error(
            404,
            "artifact_not_found",
            f"Task {exc.task_id!r} has no {exc.what}.",
            "Only validated files have a quality report; only files with bad rows have "
            "rejected rows. See `links` in the task status.",
        )

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
        return _error(500, "internal_error", "The task-tracker failed unexpectedly.", "Retry.")
