"""The Druid client retries a lost connection or a 5xx with backoff, and never a 4xx: against a
tiny real HTTP server that answers from a script (and a port where nothing listens)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidRefused, DruidUnavailable
from mauzo_common.druid.transport import Retry
from mauzo_common.testing.components import free_port

DROP = -1  # close the connection without answering
BUSY = {"error": "druidException", "category": "SERVICE_UNAVAILABLE", "errorMessage": "busy"}
ROWS = [{"n": 1}]


class Scripted:
    """Answers the n-th request with the n-th (status, body) of the script; counts requests."""

    def __init__(self, script: list[tuple[int, Any]]) -> None:
        self.script = script
        self.requests = 0


@contextmanager
def scripted_server(script: list[tuple[int, Any]]) -> Iterator[tuple[str, Scripted]]:
    state = Scripted(script)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            status, body = state.script[min(state.requests, len(state.script) - 1)]
            state.requests += 1
            if status == DROP:
                self.close_connection = True
                self.connection.close()
                return
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def client_for(http: httpx.AsyncClient, url: str, retries: int = 2) -> DruidClient:
    return DruidClient(
        http,
        overlord_url=url,
        router_url=url,
        retry=Retry(retries=retries, backoff=0.05),
        timeout=5,
    )


async def test_a_503_is_asked_again_until_it_answers(http: httpx.AsyncClient) -> None:
    with scripted_server([(503, BUSY), (200, ROWS)]) as (url, server):
        assert await client_for(http, url).sql("SELECT 1") == ROWS
    assert server.requests == 2


async def test_a_dropped_connection_is_asked_again(http: httpx.AsyncClient) -> None:
    with scripted_server([(DROP, None), (200, ROWS)]) as (url, server):
        assert await client_for(http, url).sql("SELECT 1") == ROWS
    assert server.requests == 2


async def test_retries_are_bounded_and_end_transient(http: httpx.AsyncClient) -> None:
    with (
        scripted_server([(500, {"error": "boom"})]) as (url, server),
        pytest.raises(DruidUnavailable) as unavailable,
    ):
        await client_for(http, url, retries=2).sql("SELECT 1")
    assert server.requests == 3
    assert unavailable.value.answer.status == 500
    assert unavailable.value.answer.message == "boom"


async def test_a_4xx_is_never_asked_again(http: httpx.AsyncClient) -> None:
    bad = {"error": "druidException", "category": "INVALID_INPUT", "errorMessage": "no"}
    with scripted_server([(400, bad), (200, ROWS)]) as (url, server), pytest.raises(DruidRefused):
        await client_for(http, url).sql("SELECT 1")
    assert server.requests == 1


async def test_a_query_timeout_is_not_asked_again(http: httpx.AsyncClient) -> None:
    timeout = {"error": "Query timeout", "category": "TIMEOUT", "errorMessage": "too slow"}
    with (
        scripted_server([(504, timeout), (200, ROWS)]) as (url, server),
        pytest.raises(DruidUnavailable) as slow,
    ):
        await client_for(http, url).sql("SELECT 1")
    assert server.requests == 1
    assert slow.value.answer.timed_out


async def test_a_refused_connection_backs_off_then_is_unavailable(
    http: httpx.AsyncClient,
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(DruidUnavailable, match=r"127\.0\.0\.1") as unavailable:
        await client_for(http, nobody, retries=2).task_status("t")
    assert unavailable.value.answer.status == 0
    assert time.monotonic() - started >= 0.05 + 0.1  # both pauses were taken
