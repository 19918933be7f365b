"""Helpers for the security tests: each service's real app, with the auth gate where it belongs.

Until the gate is installed in every app.py (issue #15, engineer B1's branch), `gated` adds it
exactly where that install puts it: just outside the rate limiter, inside the request ids.
Once an app has its own gate, `gated` leaves it alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from starlette.middleware import Middleware

from mauzo_common.auth.middleware import Authenticate
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.http_errors import UnexpectedErrors
from mauzo_common.testing.auth import test_tokens
from mauzo_common.throttle.middleware import RateLimits


def gated(app: FastAPI, **options: object) -> FastAPI:
    stack = [m.cls for m in app.user_middleware]
    if Authenticate in stack:
        return app
    at = stack.index(RateLimits) if RateLimits in stack else stack.index(UnexpectedErrors) + 1
    app.user_middleware.insert(at, Middleware(Authenticate, tokens=test_tokens(), **options))
    return app


def headers_of(subject: str, role: Role = Role.VIEWER, kind: str = "user") -> dict[str, str]:
    principal = Principal(subject, role, kind)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {test_tokens().issue(principal)}"}


@asynccontextmanager
async def client_of(
    app: FastAPI, *, ip: str = "127.0.0.1", lifespan: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        if not lifespan:
            yield client
            return
        async with app.router.lifespan_context(app):
            yield client
