"""HTTP request metrics and server spans as one pure-ASGI middleware, and the `/metrics` route.

Pure ASGI for the reason `mauzo_common.http.RequestIds` gives: Starlette's BaseHTTPMiddleware
relays every body chunk through a memory stream, which a 94 MB upload pays for in CPU.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Response
from fastapi.telemetry import TelemetryConfig
from opentelemetry.trace import StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from mauzo_common.http import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    assign_request_id,
    echo_request_id,
    forget_request_id,
    header,
)
from mauzo_common.observability.metrics import http_request_duration
from mauzo_common.observability.request_durations import Series
from mauzo_common.observability.tracing import enter_span, leave_span, server_span

# Every service builds its app with `FastAPI(telemetry=FASTAPI_TELEMETRY)`. FastAPI (0.165 and
# later) adds an OpenTelemetry layer of its own as soon as a tracer provider is installed: a second
# server span per request, spans around each dependency and the endpoint, and OpenTelemetry
# metrics that nothing here exports. ObservedRequests below already gives each request one span
# and Prometheus metrics; left on, FastAPI's layer was a fifth of a cached GraphQL
# answer's time (docs/observability.md#cost).
FASTAPI_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}

UNMATCHED = "unmatched"  # 404s keep their paths out of the labels: unbounded cardinality


def route_of(scope: Scope) -> str:
    """The matched route's template (`/api/ingest/status/{task_id}`), known once routing ran."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return f"{scope.get('root_path', '')}{path}" if isinstance(path, str) else UNMATCHED


class ObservedRequests:
    """Each request timed by method, route template and status, and served in a server span
    that continues the caller's `traceparent` when it sent one; with `request_ids`, given its
    request id too, as `RequestIds` would (install_error_handlers uses it so).

    One middleware, not one for metrics, one for tracing and one for ids: every ASGI layer wraps
    each response message in another coroutine, and a cached GraphQL answer takes a few hundred
    microseconds. Written out rather than with context managers for the same reason, and a span
    that records nothing is not told its status or name."""

    def __init__(self, app: App, request_ids: bool = False) -> None:
        self.app = app
        self.request_ids = request_ids
        self.durations: dict[tuple[str, str, int], Series] = {}  # labelled series

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"]
        rid = assign_request_id(scope) if self.request_ids else None
        traceparent = header(scope, b"traceparent")
        span = server_span(method, traceparent.decode("latin-1") if traceparent else None)
        token = enter_span(span)
        status = 500  # what the client sees if the app raises before answering

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if rid is not None:
                    echo_request_id(message, rid)
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            leave_span(token)
            if rid is not None:
                forget_request_id()
            route = route_of(scope)
            if span.is_recording():
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(StatusCode.ERROR)
                span.update_name(f"{method} {route}")
                span.end()
            self.duration(method, route, status).observe(time.perf_counter() - started)

    def duration(self, method: str, route: str, status: int) -> Series:
        """The series for these labels, kept here so that a request needs no lock to find it
        (routes are templates: the set is small)."""
        key = (method, route, status)
        series = self.durations.get(key)
        if series is None:
            series = self.durations[key] = http_request_duration.series(method, route, str(status))
        return series


def install_observability(
    app: FastAPI, enabled: bool = True, *, metrics_guard: Sequence[Any] = ()
) -> None:
    """Request metrics, server spans and `GET /metrics` on an app without request ids
    (olap-lite, which answers Druid's API). The Mauzo services get the request layer from
    `install_error_handlers(observed=True)`, with their request ids, and call
    `install_metrics_route`."""
    if not enabled:
        return
    app.add_middleware(ObservedRequests)
    install_metrics_route(app, metrics_guard=metrics_guard)


def install_metrics_route(
    app: FastAPI, enabled: bool = True, *, metrics_guard: Sequence[Any] = ()
) -> None:
    """`GET /metrics`. `metrics_guard`: the route's dependencies (the services pass
    `Depends(require(Role.ADMIN))`: route names, task counts and timings are operator knowledge,
    so Prometheus scrapes with a token; olap-lite's Basic-auth gate guards its own)."""
    if not enabled:
        return

    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route(
        "/metrics",
        metrics,
        methods=["GET"],
        include_in_schema=False,
        dependencies=list(metrics_guard),
    )
    # First among the routes: an app may end with a catch-all (query-api's dashboard pages).
    app.router.routes.insert(0, app.router.routes.pop())
