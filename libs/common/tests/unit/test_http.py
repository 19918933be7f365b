"""Request ids, on a small app using the shared HTTP plumbing."""

from __future__ import annotations

import httpx
import structlog
from fastapi import FastAPI, Request

from mauzo_common.http_errors import install_error_handlers


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, "test service")

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, object]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        bound = structlog.contextvars.get_contextvars().get("request_id")
        return {"size": size, "bound": bound, "state": request.state.request_id}

    return app


def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app())
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_callers_request_id_is_bound_to_the_logs_and_echoed() -> None:
    async with _client() as client:
        response = await client.post(
            "/echo", content=b"x" * 300_000, headers={"x-request-id": "abc-1"}
        )
    assert response.json() == {"size": 300_000, "bound": "abc-1", "state": "abc-1"}
    assert response.headers["x-request-id"] == "abc-1"
    assert "request_id" not in structlog.contextvars.get_contextvars()


async def test_a_malformed_request_id_is_replaced_by_a_new_one() -> None:
    async with _client() as client:
        response = await client.post("/echo", headers={"x-request-id": "bad id\nforged: log line"})
    rid = response.headers["x-request-id"]
    assert rid != "bad id\nforged: log line"
    assert len(rid) == 32
    assert response.json()["bound"] == rid
