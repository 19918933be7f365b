"""HTTP plumbing every REST service shares: request ids in logs and one error body shape.

Errors answer `{"error": {"code", "message", "hint"}}` with a real status; a service maps its
own domain errors, and `install_error_handlers` covers what every service has in common.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mauzo_common.logging import bind, unbind

log = structlog.get_logger(__name__)


def error_response(status: int, code: str, message: str, hint: str = "") -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "hint": hint}}, status)


async def request_context(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Bind the caller's X-Request-Id (or a new one) to every log line of the request."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    bind(request_id=request_id)
    try:
        response = await call_next(request)
    finally:
        unbind("request_id", "task_id")
    response.headers["x-request-id"] = request_id
    return response


def install_error_handlers(app: FastAPI, service: str) -> None:
    """Request-id middleware plus the handlers for errors that are not a service's own."""
    app.middleware("http")(request_context)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return error_response(422, "invalid_request", problems, "Fix the listed fields and retry.")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "http_error"
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("request_failed", error=repr(exc))
        return error_response(
            500, "internal_error", f"The {service} failed unexpectedly.", "Retry."
        )
