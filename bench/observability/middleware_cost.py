"""What observability adds to one request, measured in-process on a bare ASGI app (no network,
no server), so that a few microseconds are not lost in a loaded machine's noise.

    uv run python bench/observability/middleware_cost.py

A service without observability runs `RequestIds`; with it, `ObservedRequests` gives the ids
in the same layer (install_error_handlers), so the difference of the two is the cost. The two
take turns over the rounds, so that a busy neighbour falls on both alike. Compare the result with
a cached GraphQL answer's CPU time (bench/observability/overhead.py).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

from mauzo_common.http import App, RequestIds
from mauzo_common.observability.asgi import ObservedRequests
from mauzo_common.observability.tracing import configure_tracing

REQUESTS = 20_000
ROUNDS = 7
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
    apps: dict[str, App] = {
        "without": RequestIds(bare),
        "with": ObservedRequests(bare, request_ids=True),
    }
    runs: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(ROUNDS):
        for name, app in apps.items():
            runs[name].append(asyncio.run(microseconds_per_request(app)))
    costs = {name: statistics.median(values) for name, values in runs.items()}
    for name, cost in costs.items():
        print(f"{name:>8}: {cost:6.1f} us per request")
    print(
        f"added: {costs['with'] - costs['without']:.1f} us per request "
        f"(load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
