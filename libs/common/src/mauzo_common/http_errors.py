"""One JSON error body for every Mauzo HTTP service, and the handlers that produce it.

Every refusal answers `{"error": {"code", "message", "hint", "request_id"}}` with a real status
and the X-Request-Id header. `install_error_handlers` covers a service's own `MauzoError`s (the
family gives the status), FastAPI's request validation, Starlette's HTTP errors (unknown route,
wrong method), a client that went away, and any other exception (500, logged with its
traceback, never shown). An API with an envelope of its own (query-api's REST) passes an
`ErrorStyle` that wraps the same error object and words the framework's refusals its way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from mauzo_common.errors import MauzoError, RateLimited
from mauzo_common.http import App, Message, Receive, RequestIds, Scope, Send
from mauzo_common.observability.asgi import ObservedRequests
from mauzo_common.security_headers import SecurityHeaders

log = structlog.get_logger(__name__)

ErrorObject = dict[str, str]


def bare(error: ErrorObject) -> dict[str, Any]:
    return {"error": error}


@dataclass(frozen=True)
class ErrorStyle:
    """What may differ between APIs: the body around the error object, and the codes (and the
    status of a malformed request) for refusals that come from the framework, not the service."""

    wrap: Callable[[ErrorObject], dict[str, Any]] = bare
    invalid_status: int = 422
    invalid_code: str = "invalid_request"
    not_found_code: str = "not_found"
    not_allowed_code: str = "method_not_allowed"
    http_code: str = "http_error"
    internal_code: str = "internal_error"


def request_id_of(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", ""))


def error_object(error: MauzoError, request_id: str) -> ErrorObject:
    return {**error.as_dict(), "request_id": request_id}


def error_response(
    request: Request,
    status: int,
    error: MauzoError,
    style: ErrorStyle,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = style.wrap(error_object(error, request_id_of(request.scope)))
    return JSONResponse(body, status, headers=headers)


def validation_problems(exc: RequestValidationError) -> str:
    """Each field that failed, located ("query.dateFrom", "body.state") and with the reason."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
    )


class UnexpectedErrors:
    """The last resort, inside RequestIds so the 500 carries the request id and its log line
    is bound to it: Starlette's own 500 handler runs outside every middleware."""

    def __init__(self, app: App, service: str, style: ErrorStyle) -> None:
        self.app = app
        self.service = service
        self.style = style

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("request_failed")
            if started:
                raise  # too late for an error body: the server closes the connection
            await self._answer(scope, send)

    async def _answer(self, scope: Scope, send: Send) -> None:
        error = MauzoError(
            f"The {self.service} failed unexpectedly.",
            code=self.style.internal_code,
            hint="Retry; if it keeps failing, report the request id.",
        )
        body = json.dumps(self.style.wrap(error_object(error, request_id_of(scope)))).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def install_error_handlers(
    app: FastAPI, service: str, style: ErrorStyle | None = None, *, observed: bool = False
) -> None:
    """Request ids, security headers and every error handler; call once in a service's app.py,
    after adding the service's own middlewares (this puts these outermost).

    `observed` (the service's `observability` setting): each request is also timed and served
    in a server span, by the same layer that gives it its id (`ObservedRequests`), since every
    layer costs a cached answer some of its few hundred microseconds."""
    style = style or ErrorStyle()
    app.add_middleware(UnexpectedErrors, service=service, style=style)
    if observed:
        app.add_middleware(ObservedRequests, request_ids=True)
    else:
        app.add_middleware(RequestIds)
    app.add_middleware(SecurityHeaders)  # outside RequestIds: every answer carries them

    @app.exception_handler(MauzoError)
    async def refused(request: Request, exc: MauzoError) -> JSONResponse:
        level = log.warning if exc.status >= 500 else log.info
        level("request_refused", code=exc.code, status=exc.status, error=exc.message)
        retry = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return error_response(request, exc.status, exc, style, retry)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        error = MauzoError(
            validation_problems(exc),
            code=style.invalid_code,
            hint="Fix the listed fields and retry.",
        )
        return error_response(request, style.invalid_status, error, style)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        codes = {404: style.not_found_code, 405: style.not_allowed_code}
        hints = {404: f"No such path on the {service}; see its API in the README."}
        error = MauzoError(
            str(exc.detail),
            code=codes.get(exc.status_code, style.http_code),
            hint=hints.get(exc.status_code),
        )
        return error_response(request, exc.status_code, error, style, exc.headers)

    @app.exception_handler(ClientDisconnect)
    async def disconnected(request: Request, _: ClientDisconnect) -> JSONResponse:
        log.info("client_disconnected")
        error = MauzoError("The client went away mid-request.", code="client_disconnected")
        return error_response(request, 400, error, style)
