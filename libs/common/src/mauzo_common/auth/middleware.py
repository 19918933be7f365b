"""The gate in front of every route: no valid bearer token, no answer (401).

Pure ASGI, so a refused request costs one header scan and no task group, and a granted one
costs the JWT check alone (about 20 µs with HS256). Only the public routes pass without a
token: health checks and the sign-in route, plus whatever a service adds (the dashboard's
static files, which hold no data).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from fastapi import FastAPI

from mauzo_common.auth.tokens import Tokens
from mauzo_common.errors import MauzoError, Unauthenticated
from mauzo_common.http import App, Receive, Scope, Send, header
from mauzo_common.http_errors import ErrorStyle, error_object, request_id_of

PUBLIC_PATHS: frozenset[str] = frozenset({"/api/health", "/api/auth/token"})
POLICY_VIOLATION = 1008  # RFC 6455 §7.4.1


def bearer_token(scope: Scope) -> str | None:
    value = header(scope, b"authorization").decode("latin-1")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class Authenticate:
    """Puts the caller's `Principal` in `request.state.principal`, or answers 401."""

    def __init__(
        self,
        app: App,
        tokens: Tokens,
        public: Iterable[str] = (),
        public_prefixes: Iterable[str] = (),
        is_public: Callable[[str], bool] | None = None,
        style: ErrorStyle | None = None,
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.public = PUBLIC_PATHS | frozenset(public)
        self.prefixes = tuple(public_prefixes)
        self.is_public = is_public
        self.style = style or ErrorStyle()

    def _public(self, path: str) -> bool:
        if path in self.public or (self.prefixes and path.startswith(self.prefixes)):
            return True
        return self.is_public is not None and self.is_public(path)

    def _passes(self, scope: Scope) -> bool:
        if scope["type"] == "websocket":
            return False  # a GraphQL-over-WebSocket connection reads data like a POST does
        if scope["type"] != "http":
            return True  # lifespan
        # OPTIONS: a CORS preflight carries no credentials by design (Fetch standard).
        return bool(scope["method"] == "OPTIONS" or self._public(scope["path"]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._passes(scope):
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
        try:
            if token is None:
                raise Unauthenticated(
                    "This route needs a bearer token.",
                    hint="Sign in at POST /api/auth/token and send "
                    "`Authorization: Bearer <access_token>`.",
                )
            principal = self.tokens.verify(token)
        except MauzoError as refusal:
            if scope["type"] == "websocket":
                # Closing before accepting answers the handshake with 403 (ASGI spec).
                await send({"type": "websocket.close", "code": POLICY_VIOLATION})
                return
            await self.refuse(scope, send, refusal)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def refuse(self, scope: Scope, send: Send, error: MauzoError) -> None:
        body = json.dumps(self.style.wrap(error_object(error, request_id_of(scope)))).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer error="invalid_token"'),
        ]
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def install_authentication(
    app: FastAPI,
    tokens: Tokens,
    *,
    public: Iterable[str] = (),
    public_prefixes: Iterable[str] = (),
    is_public: Callable[[str], bool] | None = None,
    style: ErrorStyle | None = None,
) -> None:
    """Adds the gate to a FastAPI app; call before `install_error_handlers`, which then wraps
    it in the request-id middleware, so every 401 carries the request id."""
    app.add_middleware(
        Authenticate,
        tokens=tokens,
        public=public,
        public_prefixes=public_prefixes,
        is_public=is_public,
        style=style,
    )
