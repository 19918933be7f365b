"""Composition root: settings -> OLAP client, catalog, cache, runner -> GraphQL + REST + events."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from mauzo_common.logging import bind, unbind
from mauzo_common.messaging import Consumer, make_broker
from mauzo_query_api import api
from mauzo_query_api.cache import MemoryCache, RedisCache, ResultCache
from mauzo_query_api.catalog import Catalog
from mauzo_query_api.deps import Ask, Services
from mauzo_query_api.errors import InvalidArgument, QueryError
from mauzo_query_api.handlers import subscribe
from mauzo_query_api.olap import DruidSqlClient
from mauzo_query_api.runner import QueryRunner
from mauzo_query_api.schema import build_schema
from mauzo_query_api.settings import QueryApiSettings
from mauzo_query_api.timewindow import business_zone

log = structlog.get_logger(__name__)

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def make_cache(settings: QueryApiSettings) -> ResultCache:
    if settings.redis_url:
        return RedisCache(settings.redis_url, ttl_seconds=settings.cache_ttl_seconds)
    return MemoryCache(
        ttl_seconds=settings.cache_ttl_seconds, max_entries=settings.cache_max_entries
    )


def error_response(request: Request, error: QueryError) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    body = {
        "data": None,
        "error": {"code": error.code, "message": error.message},
        "metadata": {"requestId": request_id},
    }
    return JSONResponse(body, status_code=error.http_status)


def create_app(settings: QueryApiSettings | None = None) -> FastAPI:
    settings = settings or QueryApiSettings()
    zone = business_zone(settings.business_timezone)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        async with httpx.AsyncClient(limits=limits) as client:
            olap = DruidSqlClient(
                settings.router_url, timeout_ms=settings.olap_timeout_ms, client=client
            )
            cache = make_cache(settings)
            services = Services(
                settings=settings,
                olap=olap,
                catalog=Catalog(olap, ttl_seconds=settings.catalog_ttl_seconds),
                runner=QueryRunner(olap, cache),
                zone=zone,
            )
            app.state.services = services
            broker = make_broker(settings) if settings.consume_events else None
            if broker is not None:
                consumer = Consumer(
                    broker, settings, group=settings.events_group, producer="query-api"
                )
                subscribe(consumer, services)
                await broker.start()
            services.broker_ready = True
            log.info("query_api_ready", router_url=settings.router_url, cache=type(cache).__name__)
            try:
                yield
            finally:
                services.broker_ready = False
                if broker is not None:
                    await broker.stop()
                await cache.close()

    app = FastAPI(
        title="Mauzo query-api",
        description="Sales analytics over Druid SQL: GraphQL at /graphql, REST at /api/kpis.",
        version="0.1.0",
        lifespan=lifespan,
    )

    async def context(request: Request) -> Ask:
        return Ask(request.app.state.services, request.state.request_id)

    graphql: GraphQLRouter[Ask, None] = GraphQLRouter(
        build_schema(settings), context_getter=context
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(api.health)
    app.include_router(api.kpis)

    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get("x-request-id", "")
        rid = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.state.request_id = rid
        bind(request_id=rid)
        try:
            response = await call_next(request)
        finally:
            unbind("request_id")
        response.headers["X-Request-Id"] = rid
        return response

    @app.exception_handler(QueryError)
    async def on_query_error(request: Request, exc: QueryError) -> JSONResponse:
        log.info("request_rejected", code=exc.code, message=exc.message)
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def on_bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
            for e in exc.errors()
        )
        return error_response(request, InvalidArgument(problems or "invalid request"))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        log.error("request_failed", exc_info=exc)
        return error_response(request, QueryError("Internal error"))

    return app
