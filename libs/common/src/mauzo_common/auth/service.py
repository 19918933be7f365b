"""Credentials one service presents to another: a short-lived token it mints itself."""

from __future__ import annotations

import time
from collections.abc import Generator

import httpx

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.tokens import Tokens

SERVICE_TOKEN_SECONDS = 300
RENEW_BEFORE_SECONDS = 60


class MintedBearer(httpx.Auth):
    """An httpx auth that sends a token for `principal`, minting a new one shortly before the
    last expires (so a long-running client never presents an expired token)."""

    def __init__(self, tokens: Tokens, principal: Principal, ttl: int = SERVICE_TOKEN_SECONDS):
        self.tokens = tokens
        self.principal = principal
        self.ttl = ttl
        self._token = ""
        self._renew_at = 0.0

    def token(self) -> str:
        now = time.monotonic()
        if now >= self._renew_at:
            self._token = self.tokens.issue(self.principal, "access", self.ttl)
            self._renew_at = now + max(self.ttl - RENEW_BEFORE_SECONDS, self.ttl / 2)
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "authorization" not in request.headers:  # a forwarded user token wins
            request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request


def service_auth(tokens: Tokens, service: str) -> MintedBearer:
    return MintedBearer(tokens, Principal(f"service:{service}", Role.ADMIN, kind="service"))
