"""What the observability middleware adds to one request, measured in-process on a bare ASGI
app (no network, no server), so that a few microseconds are not lost in a loaded machine's noise.

    uv run python bench/observability/middleware_cost.py

Compare the result with a cached GraphQL answer's median (bench/observability/overhead.py).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from mauzo_common.http import App
from mauzo_common.observability.asgi import ObservedRequests
from mauzo_common.observability.tracing import configure_tracing

REQUESTS = 20_000
SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/graphql",
    "headers": [(b"content-type", b"application/json")],
}


async def bare(_scope: Any, _receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def microseconds_per_request(app: App) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Any) -> None:
        return None

    started = time.perf_counter()
    for _ in range(REQUESTS):
        await app(dict(SCOPE), receive, send)
    return (time.perf_counter() - started) / REQUESTS * 1e6


def main() -> None:
    configure_tracing("bench")
    apps: dict[str, App] = {"bare": bare, "observed": ObservedRequests(bare)}
    costs = {
        name: statistics.median(asyncio.run(microseconds_per_request(app)) for _ in range(5))
        for name, app in apps.items()
    }
    for name, cost in costs.items():
        print(f"{name:>8}: {cost:6.1f} us per request")
    print(f"added: {costs['observed'] - costs['bare']:.1f} us per request")


if __name__ == "__main__":
    main()
