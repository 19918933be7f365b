"""OpenTelemetry tracing: one trace follows an upload from its HTTP request to the OLAP publish.

W3C trace context crosses every hop: HTTP calls carry the `traceparent` header (httpx is
instrumented once per process, so every client injects it), and every Kafka event carries it in
its envelope, where it survives being stored and published again. Log lines get the current
trace and span ids, so `grep <trace id>` over every service's log shows one upload's path.
Spans are exported over OTLP when an endpoint is configured; without one they still give the
ids that logs and downstream services need.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from threading import Lock
from typing import Any

from opentelemetry import context, trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes

_propagator = TraceContextTextMapPropagator()
tracer = trace.get_tracer("mauzo")
_exporting = False  # configure_tracing sets it: spans have somewhere to go


def configure_tracing(service: str, otlp_endpoint: str = "") -> None:
    """Install the process's tracer provider, at start-up, before any HTTP client exists.

    OpenTelemetry allows one provider per process, so a second call changes nothing."""
    global _exporting
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    _exporting = bool(otlp_endpoint)
    # With nowhere to send spans, none is recorded: a non-recording span still carries a trace
    # id to the logs and to the next hop, at a fraction of a recorded span's cost on every
    # request (a cached GraphQL answer takes half a millisecond).
    sampler = ParentBased(ALWAYS_ON if otlp_endpoint else ALWAYS_OFF)
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"mauzo-{service}"}), sampler=sampler
    )
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=RequestAwareTracers(provider))


def server_span(name: str, traceparent: str | None) -> trace.Span:
    """The span an incoming request is served in, continuing the caller's trace if it sent one.

    The same span `tracer.start_span` gives under configure_tracing's sampler. Where that sampler
    records nothing (no exporter, and a caller that did not ask for sampling), the span is built
    here from ids alone: the SDK's sampling path was most of tracing's cost on a cached answer."""
    if traceparent is None:
        if _exporting:
            return tracer.start_span(name, kind=SpanKind.SERVER)
        return UnrecordedSpan()
    parent = extract_traceparent(traceparent)
    caller = trace.get_current_span(parent).get_span_context()
    if _exporting or (caller.is_valid and caller.trace_flags.sampled):
        return tracer.start_span(name, context=parent, kind=SpanKind.SERVER)
    return UnrecordedSpan(caller if caller.is_valid else None)


class UnrecordedSpan(NonRecordingSpan):
    """A span nothing records, in the caller's trace or a new one. Its ids are drawn the first
    time something asks for them (a log line, an outgoing call, an event): a cached answer is
    often sent before anything does, and drawing them and building their SpanContext, with its
    checks, was most of what tracing cost such an answer."""

    def __init__(self, caller: SpanContext | None = None) -> None:
        # NonRecordingSpan's __init__ would need the SpanContext now.
        self._caller = caller
        self._built: SpanContext | None = None

    def get_span_context(self) -> SpanContext:
        if self._built is None:
            # The loop and a thread running in the request's context may both ask first: one
            # draw, or they would log different span ids.
            with _drawing:
                if self._built is None:
                    self._built = self._draw()
        return self._built

    def _draw(self) -> SpanContext:
        caller = self._caller
        if caller is None:
            return SpanContext(_new_id(128), _new_id(64), is_remote=False)
        return SpanContext(
            caller.trace_id,
            _new_id(64),
            is_remote=False,
            trace_flags=caller.trace_flags,
            trace_state=caller.trace_state,
        )

    def __repr__(self) -> str:
        return f"UnrecordedSpan({self.get_span_context()!r})"


_drawing = Lock()

# The request's span when nothing records it, kept out of OpenTelemetry's context: making a span
# current there cost every request about a microsecond, and a cached answer never reads it.
# Whatever reads the current span goes through current_span / current_context, which look here
# when OpenTelemetry's context has no span of its own (an inner span, say an outgoing call's,
# takes precedence).
_request_span: ContextVar[UnrecordedSpan | None] = ContextVar("mauzo_request_span", default=None)


def enter_span(span: trace.Span) -> Token[Any]:
    """Makes a request's span current until `leave_span(token)`."""
    if isinstance(span, UnrecordedSpan):
        return _request_span.set(span)
    return context.attach(trace.set_span_in_context(span))


def leave_span(token: Token[Any]) -> None:
    if token.var is _request_span:
        _request_span.reset(token)
    else:
        context.detach(token)


def current_span() -> trace.Span:
    span = trace.get_current_span()
    if span.get_span_context().is_valid:
        return span
    return _request_span.get() or span


def current_context() -> context.Context:
    """OpenTelemetry's current context, holding the request's span if it holds none."""
    request = _request_span.get()
    if request is None or trace.get_current_span().get_span_context().is_valid:
        return context.get_current()
    return trace.set_span_in_context(request)


class RequestAwareTracers(trace.TracerProvider):
    """The SDK's tracers, whose spans started without an explicit parent continue the request's
    span (OpenTelemetry's httpx instrumentation starts its client spans so)."""

    def __init__(self, provider: trace.TracerProvider) -> None:
        self._provider = provider

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes = None,
    ) -> trace.Tracer:
        return _RequestAwareTracer(
            self._provider.get_tracer(
                instrumenting_module_name, instrumenting_library_version, schema_url, attributes
            )
        )


class _RequestAwareTracer(trace.Tracer):
    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        return self._tracer.start_span(name, *_with_parent(args, kwargs), **kwargs)

    # The API declares it with a private decorator of its own; contextmanager's gives the same
    # protocol, which mypy cannot see.
    @contextmanager
    def start_as_current_span(  # type: ignore[override]
        self, name: str, *args: Any, **kwargs: Any
    ) -> Iterator[trace.Span]:
        parent = _with_parent(args, kwargs)
        with self._tracer.start_as_current_span(name, *parent, **kwargs) as span:
            yield span


def _with_parent(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The positional arguments after the name, with the current context as the parent when
    the caller gave none (first positional, or `context=`)."""
    if args:
        return (args[0] if args[0] is not None else current_context(), *args[1:])
    if kwargs.get("context") is None:
        kwargs["context"] = current_context()
    return args


def _new_id(bits: int) -> int:
    """A random non-zero id (zero means "no id" in W3C trace context)."""
    while True:
        if found := random.getrandbits(bits):
            return found


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the active span, to send along with an event."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, context=current_context())
    return carrier.get("traceparent")


def extract_traceparent(traceparent: str) -> context.Context:
    """The context a caller's W3C `traceparent` names (an empty one when it is malformed)."""
    return _propagator.extract({"traceparent": traceparent})


@contextmanager
def continued_span(
    name: str, traceparent: str | None, kind: SpanKind, **attributes: Any
) -> Iterator[trace.Span]:
    """A span that continues the trace a caller started (or starts one), made current."""
    parent = extract_traceparent(traceparent) if traceparent else current_context()
    token = context.attach(parent)
    try:
        with tracer.start_as_current_span(name, kind=kind, attributes=attributes) as span:
            yield span
    finally:
        context.detach(token)


def add_trace_ids(
    _logger: object, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the active trace and span ids on every log line."""
    span_context = current_span().get_span_context()
    if span_context.is_valid:
        event["trace_id"] = format(span_context.trace_id, "032x")
        event["span_id"] = format(span_context.span_id, "016x")
    return event
