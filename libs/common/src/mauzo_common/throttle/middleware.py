"""The rate limiter every HTTP service runs just inside the auth gate.

It needs the principal the gate found, so it must run after `Authenticate`: Starlette makes the
middleware added LAST the outermost, hence `install_limits` is called BEFORE
`install_authentication` (and both before `install_error_handlers`). Pure ASGI, like the gate:
one counter update per request, no task group.

Who is counted: a user or API key per token subject, at its role's rate; a Mauzo service never
(its calls are the stack's own work); a request without a principal only on the sign-in route,
per client IP (the brute-force guard). Everything else without a principal is a public route
(health, the dashboard's files) or was already refused by the gate.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from limits import RateLimitItem

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.errors import RateLimited
from mauzo_common.http import App, Receive, Scope, Send
from mauzo_common.http_errors import ErrorStyle, error_object, request_id_of
from mauzo_common.settings import MauzoSettings
from mauzo_common.throttle.body_size import BodySize
from mauzo_common.throttle.client_ip import client_ip, networks
from mauzo_common.throttle.counters import Counters, rates, too_many

SIGN_IN_PATH = "/api/auth/token"


class RateLimits:
    def __init__(
        self,
        app: App,
        settings: MauzoSettings,
        service: str,
        style: ErrorStyle | None = None,
        counters: Counters | None = None,
    ) -> None:
        self.app = app
        self.service = service
        self.style = style or ErrorStyle()
        self.counters = counters or Counters.from_uri(settings.rate_limit_storage)
        self.by_role: dict[Role, list[RateLimitItem]] = {
            Role.VIEWER: rates(settings.rate_limit_viewer),
            Role.UPLOADER: rates(settings.rate_limit_uploader),
            Role.ADMIN: rates(settings.rate_limit_admin),
        }
        self.sign_in = rates(settings.sign_in_rate_limit)
        self.proxies = networks(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] != "OPTIONS":
            refusal = await self.refusal(scope)
            if refusal is not None:
                await self.refuse(scope, send, refusal)
                return
        await self.app(scope, receive, send)

    async def refusal(self, scope: Scope) -> RateLimited | None:
        principal = scope.get("state", {}).get("principal")
        if isinstance(principal, Principal):
            if principal.is_service:
                return None
            key = f"{self.service}:{principal.kind}:{principal.subject}"
            used = await self.counters.hit(self.by_role[principal.role], key)
            return None if used is None else too_many(used, principal.subject)
        if scope["path"].rstrip("/") == SIGN_IN_PATH:
            ip = client_ip(scope, self.proxies)
            used = await self.counters.hit(self.sign_in, f"{self.service}:sign-in:{ip}")
            if used is not None:
                return too_many(used, f"{ip} to sign in", "MAUZO_SIGN_IN_RATE_LIMIT")
        return None

    async def refuse(self, scope: Scope, send: Send, error: RateLimited) -> None:
        body = json.dumps(self.style.wrap(error_object(error, request_id_of(scope)))).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(error.retry_after).encode()),
        ]
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def install_limits(
    app: FastAPI, settings: MauzoSettings, service: str, style: ErrorStyle | None = None
) -> None:
    """Adds the body-size ceiling and (when `settings.limits_enabled`) the rate limiter.
    ORDER: call BEFORE `install_authentication`, so the gate ends up outside and the principal
    is known here."""
    app.add_middleware(BodySize, limit=settings.max_request_bytes, style=style)
    if not settings.limits_enabled:
        return
    options: dict[str, Any] = {"settings": settings, "service": service, "style": style}
    app.add_middleware(RateLimits, **options)
