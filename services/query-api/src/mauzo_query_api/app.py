"""Composition root: settings -> OLAP client, catalog, cache, runner -> GraphQL + REST + events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import structlog
from fastapi import FastAPI, Request
from strawberry.fastapi import GraphQLRouter

from mauzo_common.auth.dependencies import guarded, principal_of
from mauzo_common.auth.middleware import install_authentication
from mauzo_common.auth.on_behalf import OnBehalf, acting_for
from mauzo_common.auth.principal import Role
from mauzo_common.auth.service import service_auth
from mauzo_common.auth.tokens import Tokens
from mauzo_common.cors import install_cors
from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidError
from mauzo_common.http_errors import ErrorObject, ErrorStyle, install_error_handlers
from mauzo_common.messaging import Consumer, make_broker
from mauzo_common.observability.asgi import FASTAPI_TELEMETRY, install_metrics_route
from mauzo_common.throttle.middleware import install_limits
from mauzo_common.tracker_client import TaskTrackerClient
from mauzo_query_api import api, dashboard
from mauzo_query_api.clients.upload import UploadForwarder
from mauzo_query_api.deps import Ask, Services
from mauzo_query_api.errors import InvalidArgument, QueryError
from mauzo_query_api.graphql.schema import build_schema
from mauzo_query_api.graphql_router import MauzoGraphQLRouter
from mauzo_query_api.handlers import subscribe
from mauzo_query_api.middleware.no_sockets import NoSockets
from mauzo_query_api.middleware.response_caching import ResponseCaching
from mauzo_query_api.middleware.upload_preflight import UploadPreflight
from mauzo_query_api.olap.catalog import Catalog
from mauzo_query_api.olap.client import DruidSqlClient
from mauzo_query_api.olap.freshness import Freshness
from mauzo_query_api.olap.response_cache import ResponseCache, ResponseTags
from mauzo_query_api.olap.result_cache import MemoryCache, RedisCache, ResultCache
from mauzo_query_api.olap.runner import QueryRunner
from mauzo_query_api.settings import QueryApiSettings
from mauzo_query_api.sql.timewindow import business_zone

log = structlog.get_logger(__name__)


def make_cache(settings: QueryApiSettings) -> ResultCache:
    if settings.redis_url:
        return RedisCache(settings.redis_url, ttl_seconds=settings.cache_ttl_seconds)
    return MemoryCache(
        ttl_seconds=settings.cache_ttl_seconds, max_entries=settings.cache_max_entries
    )


def make_response_cache(
    settings: QueryApiSettings, freshness: Freshness | None = None
) -> ResponseCache | None:
    """Whole responses are kept in process only when results are (no Redis): with Redis,
    replicas share one consumer group, so only one of them would hear an invalidation."""
    if settings.redis_url or settings.cache_ttl_seconds <= 0 or not settings.response_cache:
        return None
    return ResponseCache(
        ttl_seconds=settings.cache_ttl_seconds,
        max_entries=settings.cache_max_entries,
        freshness=freshness,
    )


def envelope(error: ErrorObject) -> dict[str, Any]:
    """REST answers keep their `{data, error, metadata}` envelope around the shared error."""
    return {"data": None, "error": error, "metadata": {"requestId": error["request_id"]}}


# GraphQL-style codes, and 400 for a malformed request, as in GraphQL answers.
ERROR_STYLE = ErrorStyle(
    wrap=envelope,
    invalid_status=InvalidArgument.status,
    invalid_code=InvalidArgument.code,
    not_found_code="NOT_FOUND",
    not_allowed_code="METHOD_NOT_ALLOWED",
    http_code="HTTP_ERROR",
    internal_code=QueryError.code,
)


def create_app(settings: QueryApiSettings | None = None) -> FastAPI:
    settings = settings or QueryApiSettings()
    zone = business_zone(settings.business_timezone)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        # Calls to task-tracker and upload carry the token of the user being served (their
        # role and task ownership apply there), else this service's; Druid calls carry Druid's
        # credentials instead (DruidClient sets them per request).
        service = OnBehalf(service_auth(Tokens(settings), "query-api"))
        async with httpx.AsyncClient(limits=limits, auth=service) as client:
            timeout = httpx.Timeout(settings.olap_timeout_ms / 1000 + 5, connect=5)
            druid = DruidClient.from_settings(client, settings, timeout=timeout)
            olap = DruidSqlClient(druid, timeout_ms=settings.olap_timeout_ms)
            cache = make_cache(settings)
            freshness = Freshness(
                ttl_seconds=settings.cache_ttl_seconds,
                stream_ttl_seconds=settings.stream_cache_ttl_seconds,
            )
            try:  # supervisor ids are the streamed datasources' names
                freshness.add_streams(await druid.supervisors())
            except DruidError as exc:
                log.warning("supervisors_unknown", error=str(exc))
            services = Services(
                settings=settings,
                olap=olap,
                catalog=Catalog(olap, ttl_seconds=settings.catalog_ttl_seconds),
                runner=QueryRunner(olap, cache, freshness),
                zone=zone,
                tracker=TaskTrackerClient(settings.tracker_url, client),
                uploader=UploadForwarder(settings.uploader_url, client),
                responses=make_response_cache(settings, freshness),
                freshness=freshness,
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
        telemetry=FASTAPI_TELEMETRY,
    )

    async def context(request: Request) -> Ask:
        acting_for(request.headers.get("authorization"))
        tags = request.scope.get("state", {}).get("response_tags") or ResponseTags()
        return Ask(
            request.app.state.services, request.state.request_id, principal_of(request), tags
        )

    # Uploads (GraphQL multipart request spec) are on; UploadPreflight enforces the CSRF preflight.
    # No WebSocket protocols (and NoSockets below): the schema has no subscriptions, and the
    # authentication gate checks HTTP requests only, so a socket must not run queries.
    graphql: GraphQLRouter[Ask, None] = MauzoGraphQLRouter(
        build_schema(settings),
        context_getter=context,
        multipart_uploads_enabled=True,
        subscription_protocols=(),
        # Reading answers needs a viewer; fields that need more check it in the schema.
        dependencies=guarded(Role.VIEWER),
        # The router's own prefix, not include_router's: FastAPI keeps an inclusion's prefix out
        # of the route's path, and the request metrics label /graphql with that path.
        prefix="/graphql",
    )
    app.include_router(graphql)
    app.include_router(api.health)
    app.include_router(api.kpis)
    app.include_router(dashboard.gateway(settings))
    app.include_router(dashboard.files(settings))  # last: the app's pages answer any other GET

    app.add_middleware(NoSockets)
    app.add_middleware(ResponseCaching)
    app.add_middleware(UploadPreflight)
    # ORDER: install_limits before the auth gate's install (the last added runs outermost),
    # so the limiter runs inside the gate and sees the principal.
    install_limits(app, settings, "query-api", ERROR_STYLE)
    # Outside the response cache, so a cached answer is never given without a verified token
    # (and the cache can key answers by the caller's role and branch scope).
    install_authentication(
        app, Tokens(settings), is_public=dashboard.is_public_path, style=ERROR_STYLE
    )
    # Request ids, and (observed) request metrics and spans in the same layer: outside the
    # response cache, so that the answers it gives are timed and traced too.
    install_error_handlers(app, "query-api", ERROR_STYLE, observed=settings.observability)
    install_cors(app, settings, ERROR_STYLE)
    install_metrics_route(app, settings.observability, metrics_guard=guarded(Role.ADMIN))

    return app
