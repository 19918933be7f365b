"""ASGI plumbing every HTTP service shares: request ids in logs and responses.

The one error body and its handlers are in `http_errors`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mauzo_common.logging import bind, unbind

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return b""


def assign_request_id(scope: Scope) -> str:
    """The request's id (the caller's X-Request-Id when well formed, else a new one), kept in
    the scope's state (request.state.request_id) and bound to every log line until
    `forget_request_id`."""
    incoming = header(scope, b"x-request-id").decode("latin-1")
    rid = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    scope.setdefault("state", {})["request_id"] = rid
    bind(request_id=rid)
    return rid


def echo_request_id(message: Message, rid: str) -> None:
    """Adds the X-Request-Id header to an `http.response.start` message."""
    headers = list(message.get("headers", []))
    headers.append((b"x-request-id", rid.encode()))
    message["headers"] = headers


def forget_request_id() -> None:
    unbind("request_id", "task_id")


class RequestIds:
    """Every request gets an id: bound to the logs, stored in request.state.request_id, and
    echoed in the X-Request-Id header. With observability on, `ObservedRequests` does this in
    the same layer as its metrics and span (install_error_handlers picks one).

    Pure ASGI rather than `app.middleware("http")`: Starlette's BaseHTTPMiddleware runs each
    request in a task group and relays every body chunk through a memory stream, which cost an
    upload of 94 MB a fifth of its CPU.
    """

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = assign_request_id(scope)

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                echo_request_id(message, rid)
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        finally:
            forget_request_id()
