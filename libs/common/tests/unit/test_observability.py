"""Request metrics, server spans and trace ids in logs, on a small app using the shared wiring."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
import structlog
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

from mauzo_common.http_errors import install_error_handlers
from mauzo_common.logging import configure_logging
from mauzo_common.observability.asgi import (
    FASTAPI_TELEMETRY,
    install_metrics_route,
    install_observability,
)
from mauzo_common.observability.tracing import configure_tracing, current_traceparent

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER = f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"


@pytest.fixture(autouse=True)
def tracing() -> None:
    configure_tracing("test")


def _app() -> FastAPI:
    app = FastAPI(telemetry=FASTAPI_TELEMETRY)  # as every service builds its app
    install_observability(app)

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, object]:
        structlog.get_logger("mauzo.test").info("item_read", item_id=item_id)
        return {"traceparent": current_traceparent()}

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("broken")

    return app


def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def _count(route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "mauzo_http_request_duration_seconds_count",
        {"method": "GET", "route": route, "status": status},
    )
    return value or 0.0


async def test_requests_are_timed_by_route_template_and_status() -> None:
    before_ok, before_missing = _count("/items/{item_id}", "200"), _count("unmatched", "404")
    before_invalid, before_broken = _count("/items/{item_id}", "422"), _count("/broken", "500")
    async with _client() as client:
        for item_id in (1, 2, 3):
            assert (await client.get(f"/items/{item_id}")).status_code == 200
        assert (await client.get("/items/not-a-number")).status_code == 422
        assert (await client.get("/no/such/route")).status_code == 404
        assert (await client.get("/broken")).status_code == 500
        exposed = (await client.get("/metrics")).text
    assert _count("/items/{item_id}", "200") - before_ok == 3
    assert _count("/items/{item_id}", "422") - before_invalid == 1
    assert _count("unmatched", "404") - before_missing == 1
    assert _count("/broken", "500") - before_broken == 1
    assert "mauzo_http_request_duration_seconds_bucket" in exposed
    assert "/items/1" not in exposed, "ids must never become label values"


async def test_the_callers_trace_continues_into_the_handler_and_its_logs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("test", "INFO")
    try:
        async with _client() as client:
            response = await client.get("/items/7", headers={"traceparent": CALLER})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers = []
    version, trace_id, span_id, flags = response.json()["traceparent"].split("-")
    assert (version, trace_id, flags) == ("00", CALLER_TRACE, "01")
    assert span_id != "00f067aa0ba902b7", "the handler runs in a span of its own"
    (logged,) = [line for line in lines if line["event"] == "item_read"]
    assert logged["trace_id"] == CALLER_TRACE
    assert logged["span_id"] == span_id


@pytest.mark.parametrize(
    "sent",
    [{}, {"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-00"}],
    ids=["no trace context", "a caller that does not sample"],
)
async def test_an_unrecorded_span_names_the_same_ids_in_logs_and_outgoing_context(
    sent: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing records these spans, and their ids are drawn only when first asked for: every
    later asker must still get the same ones."""
    configure_logging("test", "INFO")
    try:
        async with _client() as client:
            answer = (await client.get("/items/7", headers=sent)).json()
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers = []
    _, trace_id, span_id, _ = answer["traceparent"].split("-")
    (logged,) = [line for line in lines if line["event"] == "item_read"]
    assert (logged["trace_id"], logged["span_id"]) == (trace_id, span_id)
    if sent:
        assert trace_id == CALLER_TRACE


class _Callee(BaseHTTPRequestHandler):
    """Another service, on a real socket (httpx's instrumentation patches real transports)."""

    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:  # http.server's name
        self.seen.append(self.headers.get("traceparent"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def callee() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Callee)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Callee.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "sent",
    [{}, {"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-00"}],
    ids=["no trace context", "a caller that does not sample"],
)
async def test_an_outgoing_call_carries_the_trace_of_the_request_it_serves(
    sent: dict[str, str], callee: str
) -> None:
    """The request's span is not in OpenTelemetry's context when nothing records it; httpx's
    instrumentation must still continue its trace."""
    app = FastAPI(telemetry=FASTAPI_TELEMETRY)
    install_observability(app)

    @app.get("/relay")
    async def relay() -> dict[str, object]:
        async with httpx.AsyncClient() as client:
            await client.get(callee)
        return {"traceparent": current_traceparent()}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = (await client.get("/relay", headers=sent)).json()
    (outgoing,) = _Callee.seen
    assert outgoing is not None
    _, trace_id, _, flags = outgoing.split("-")
    assert (trace_id, flags) == (answer["traceparent"].split("-")[1], "00")
    if sent:
        assert trace_id == CALLER_TRACE


async def test_a_service_app_gives_request_ids_metrics_and_traces(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As the services wire it: request ids and observation in one layer."""
    app = FastAPI(telemetry=FASTAPI_TELEMETRY)
    install_metrics_route(app)
    install_error_handlers(app, "test", observed=True)

    @app.get("/things/{thing_id}")
    async def thing(thing_id: int) -> dict[str, object]:
        structlog.get_logger("mauzo.test").info("thing_read", thing_id=thing_id)
        return {"traceparent": current_traceparent()}

    before = _count("/things/{thing_id}", "200")
    configure_logging("test", "INFO")
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get(
                "/things/4", headers={"traceparent": CALLER, "x-request-id": "req-4"}
            )
            exposed = (await client.get("/metrics")).text
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers = []
    assert response.headers["x-request-id"] == "req-4"
    assert _count("/things/{thing_id}", "200") - before == 1
    assert 'route="/things/{thing_id}"' in exposed
    (logged,) = [line for line in lines if line["event"] == "thing_read"]
    assert (logged["request_id"], logged["trace_id"]) == ("req-4", CALLER_TRACE)
    assert logged["span_id"] == response.json()["traceparent"].split("-")[2]
    assert "request_id" not in structlog.contextvars.get_contextvars()


async def test_a_request_without_trace_context_starts_a_new_trace() -> None:
    async with _client() as client:
        first = (await client.get("/items/1")).json()["traceparent"]
        second = (await client.get("/items/1")).json()["traceparent"]
    assert first.split("-")[1] != second.split("-")[1]


@pytest.fixture
def recorded() -> Iterator[InMemorySpanExporter]:
    """Spans the process records from here on (only sampled ones: those a caller asked for)."""
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()  # the provider keeps the processor; a shut exporter keeps nothing


async def test_a_request_is_one_server_span_and_nothing_more(
    recorded: InMemorySpanExporter,
) -> None:
    """One span per request, ours: FastAPI's own telemetry layer would add a second server span
    and one per dependency, and cost a fifth of a cached answer's time."""
    async with _client() as client:
        assert (await client.get("/items/3", headers={"traceparent": CALLER})).status_code == 200
    spans = [(span.name, span.kind) for span in recorded.get_finished_spans()]
    assert spans == [("GET /items/{item_id}", SpanKind.SERVER)]


async def test_a_caller_that_does_not_sample_keeps_its_trace_and_nothing_is_recorded(
    recorded: InMemorySpanExporter,
) -> None:
    unsampled = f"00-{CALLER_TRACE}-00f067aa0ba902b7-00"
    async with _client() as client:
        answer = (await client.get("/items/3", headers={"traceparent": unsampled})).json()
    version, trace_id, span_id, flags = answer["traceparent"].split("-")
    assert (version, trace_id, flags) == ("00", CALLER_TRACE, "00")
    assert span_id not in ("00f067aa0ba902b7", "0" * 16)
    assert recorded.get_finished_spans() == ()
