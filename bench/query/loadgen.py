"""Fallback load tool when wrk is absent: N asyncio clients POSTing one body for D seconds.

Run as its own process: `python loadgen.py URL BODY_FILE CLIENTS SECONDS [AUTHORIZATION]`
(the Authorization header's value); prints req/s.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx


async def main(url: str, body: bytes, clients: int, seconds: float, authorization: str) -> None:
    done = 0
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"content-type": "application/json"}
    if authorization:
        headers["authorization"] = authorization
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal done, errors
            while time.monotonic() < stop:
                response = await client.post(url, content=body, headers=headers)
                done += 1
                errors += response.status_code != 200

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.monotonic() - started
    print(f"Requests/sec: {done / elapsed:.1f} errors: {errors}")


if __name__ == "__main__":
    url, body_file, clients, seconds = sys.argv[1:5]
    authorization = sys.argv[5] if len(sys.argv) > 5 else ""
    body = Path(body_file).read_bytes()
    asyncio.run(main(url, body, int(clients), float(seconds), authorization))
