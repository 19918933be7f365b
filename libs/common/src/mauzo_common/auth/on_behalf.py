"""Calls a service makes for the user whose request it is serving carry that user's token.

query-api reads task-tracker and forwards uploads for its callers: were those calls made with
query-api's own service token, which passes every check, an uploader would see every task
through GraphQL and own none of its uploads. So query-api names the caller of the request it
serves (`acting_for`), and its client's auth (`OnBehalf`) sends that caller's own
`Authorization` header, falling back to the service's token for calls no user asked for
(startup, events).
"""

from __future__ import annotations

from collections.abc import Generator
from contextvars import ContextVar

import httpx

from mauzo_common.auth.service import MintedBearer

_caller: ContextVar[str | None] = ContextVar("mauzo_caller_authorization", default=None)


def acting_for(authorization: str | None) -> None:
    """From here on in this request's task (and the tasks it starts), calls go as this caller.
    Each request runs in a task of its own, so the value ends with the request."""
    _caller.set(authorization or None)


class OnBehalf(httpx.Auth):
    def __init__(self, service: MintedBearer) -> None:
        self.service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "authorization" not in request.headers:
            caller = _caller.get()
            request.headers["Authorization"] = caller or f"Bearer {self.service.token()}"
        yield request
