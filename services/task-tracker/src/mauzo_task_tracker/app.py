"""Composition root of task-tracker: database, broker, consumers, Overlord follower, HTTP API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import structlog
from fastapi import FastAPI

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.middleware import install_authentication
from mauzo_common.auth.principal import Role
from mauzo_common.auth.tokens import Tokens
from mauzo_common.db import make_engine
from mauzo_common.druid.client import DruidClient
from mauzo_common.http_errors import install_error_handlers
from mauzo_common.messaging import Consumer, make_broker
from mauzo_common.object_store import open_object_store
from mauzo_common.observability.asgi import FASTAPI_TELEMETRY, install_metrics_route
from mauzo_common.throttle.middleware import install_limits
from mauzo_task_tracker.api import router
from mauzo_task_tracker.changes import TaskChanges
from mauzo_task_tracker.follower import OverlordFollower
from mauzo_task_tracker.handlers import register_handlers
from mauzo_task_tracker.identity import admin_api, signin
from mauzo_task_tracker.identity.accounts import Accounts
from mauzo_task_tracker.identity.audit import AuditLog
from mauzo_task_tracker.identity.bootstrap import bootstrap_admin
from mauzo_task_tracker.lifecycle import PRODUCER
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.nudges import Nudges
from mauzo_task_tracker.recovery.reconciler import Reconciler
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.retraction.retractor import Retractor
from mauzo_task_tracker.settings import TrackerSettings
from mauzo_task_tracker.streams import StreamRepository

log = structlog.get_logger(__name__)
GROUP = "mauzo-task-tracker"


def create_app(settings: TrackerSettings | None = None) -> FastAPI:
    settings = settings or TrackerSettings()
    tokens = Tokens(settings)
    engine = make_engine(settings.sqlalchemy_url)
    accounts = Accounts(engine)
    audit = AuditLog(engine)
    repository = TaskRepository(engine)
    broker = make_broker(settings)
    client = httpx.AsyncClient()
    druid = DruidClient.from_settings(client, settings, timeout=settings.overlord_timeout_seconds)
    changes = TaskChanges()
    nudges = Nudges()
    retractor = Retractor(repository, druid, nudges)
    reconciler = Reconciler(repository, broker, settings, changes)
    follower = OverlordFollower(
        repository,
        broker,
        settings,
        druid,
        changes,
        nudges=nudges,
        jobs=[retractor.submit_waiting, reconciler.run_once],
    )
    consumer = Consumer(broker, settings, group=GROUP, producer=PRODUCER)
    streams = StreamRepository(engine)
    register_handlers(consumer, repository, nudges, changes, streams)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(upgrade_database, engine)
        await asyncio.to_thread(bootstrap_admin, accounts, audit, settings)
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

    app = FastAPI(title="Mauzo task-tracker", lifespan=lifespan, telemetry=FASTAPI_TELEMETRY)
    install_metrics_route(app, settings.observability, metrics_guard=guarded(Role.ADMIN))
    app.state.settings = settings
    app.state.repository = repository
    app.state.streams = streams
    app.state.druid = druid
    app.state.broker = broker
    app.state.follower = follower
    app.state.changes = changes
    app.state.retractor = retractor
    app.state.reconciler = reconciler
    app.state.accounts = accounts
    app.state.audit = audit
    app.state.signin = signin.SignIn(accounts, tokens, audit)
    app.include_router(router)
    app.include_router(signin.router)
    app.include_router(admin_api.router)
    # ORDER: install_limits before the auth gate's install (the last added runs outermost),
    # so the limiter runs inside the gate and sees the principal.
    install_limits(app, settings, "task-tracker")
    install_authentication(app, tokens)
    install_error_handlers(app, "task-tracker", observed=settings.observability)
    return app
