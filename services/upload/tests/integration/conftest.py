"""Real components for upload tests: task-tracker and upload served in-process on free ports."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
import uvicorn

from mauzo_common.testing.components import free_port, wait_until


class Served:
    """An ASGI app served by uvicorn on a free loopback port, in its own thread and loop."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), 60, "server start")
        if not self.server.started:
            raise RuntimeError("the app failed to start (see the log above)")
        wait_until(self._healthy, 30, "GET /api/health == 200")
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="session")
def serve() -> type[Served]:
    """`with serve(app) as served:` runs the app on a free port until the block ends."""
    return Served
