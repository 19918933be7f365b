"""What the limits and headers middlewares add to one request, in process on a bare ASGI app
(no network, no server), as bench/observability/middleware_cost.py does for observability.

    uv run python bench/limits/middleware_cost.py

The rate limiter runs with the default in-memory storage and the default viewer rate, the
requests spread over 1 000 viewers (as the auth gate leaves each principal on its request), so
no one reaches the limit and each counter holds what a busy user's would.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.http import App
from mauzo_common.security_headers import SecurityHeaders
from mauzo_common.settings import MauzoSettings
from mauzo_common.throttle.body_size import BodySize
from mauzo_common.throttle.middleware import RateLimits

REQUESTS = 20_000
VIEWERS = [Principal(f"viewer-{i}", Role.VIEWER) for i in range(1_000)]


async def bare(_scope: Any, _receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def scope(n: int) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")],
        "state": {"principal": VIEWERS[n % len(VIEWERS)]},
    }


async def microseconds_per_request(app: App) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(_message: Any) -> None:
        return None

    started = time.perf_counter()
    for n in range(REQUESTS):
        await app(scope(n), receive, send)
    return (time.perf_counter() - started) / REQUESTS * 1e6


def main() -> None:
    settings = MauzoSettings()
    apps: dict[str, App] = {
        "bare": bare,
        "headers": SecurityHeaders(bare),
        "body size": BodySize(bare, settings.max_request_bytes),
        "rate limit": RateLimits(bare, settings, "bench"),
        "all three": SecurityHeaders(
            BodySize(RateLimits(bare, settings, "bench"), settings.max_request_bytes)
        ),
    }
    costs = {
        name: statistics.median(asyncio.run(microseconds_per_request(app)) for _ in range(5))
        for name, app in apps.items()
    }
    for name, cost in costs.items():
        print(f"{name:>10}: {cost:6.1f} us per request ({cost - costs['bare']:+.1f} us)")


if __name__ == "__main__":
    main()
