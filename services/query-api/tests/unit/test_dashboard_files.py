"""query-api serves the built dashboard (files, SPA fallback for pages, API paths untouched) and
passes the Data page's requests on to the ingest services."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth
from mauzo_query_api import dashboard
from mauzo_query_api.settings import QueryApiSettings


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Mauzo</title>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log('app')")
    (tmp_path / "assets" / "index-abc.js.gz").write_bytes(gzip.compress(b"console.log('app')"))
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def client_of(app: FastAPI) -> httpx.AsyncClient:
    # Signed in: the dashboard's files are public, its API paths are not.
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://dash", auth=auth(Role.ADMIN)
    )


@pytest.fixture
def client(dist: Path) -> httpx.AsyncClient:
    app = FastAPI()

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(dashboard.files(QueryApiSettings(dashboard_dir=dist)))
    return client_of(app)


async def test_page_paths_answer_the_app_so_links_open_their_view(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/", "/overview", "/branches?dateFrom=2024-01-01&branches=Kisumu,Eldoret"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "<title>Mauzo</title>" in response.text
        assert response.headers["cache-control"] == "no-cache"


async def test_api_paths_are_never_answered_with_the_app(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/health")).json() == {"status": "ok"}
    assert (await client.get("/api/unknown")).status_code == 404
    assert (await client.get("/graphqlx")).status_code == 404


async def test_hashed_assets_are_cached_and_sent_gzipped(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/index-abc.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.text == "console.log('app')"  # the client undid the gzip
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/javascript")
    plain = await client.get("/assets/index-abc.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == "console.log('app')"


async def test_missing_files_and_paths_outside_the_build_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/assets/missing.js")).status_code == 404
    assert (await client.get("/..%2Fsecret.txt")).status_code == 404
    assert (await client.get("/assets/..%2F..%2Fsecret.txt")).status_code == 404


async def test_an_unbuilt_dashboard_says_how_to_build_it(tmp_path: Path) -> None:
    app = FastAPI()
    app.include_router(dashboard.files(QueryApiSettings(dashboard_dir=tmp_path / "none")))
    response = await client_of(app).get("/overview")
    assert response.status_code == 404
    assert "make install" in response.text


async def gateway_client() -> httpx.AsyncClient:
    from mauzo_common.testing.components import free_port
    from mauzo_query_api.app import create_app

    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(QueryApiSettings(upload_url=nowhere, task_tracker_url=nowhere))
    return client_of(app)


async def test_gateway_refuses_changing_requests_without_the_client_header() -> None:
    client = await gateway_client()
    response = await client.post("/api/ingest/upload", files={"file": ("a.csv", b"x")})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
    response = await client.delete("/api/ingest/tasks/abc/data")
    assert response.status_code == 400


async def test_gateway_names_the_service_that_does_not_answer() -> None:
    client = await gateway_client()
    response = await client.get("/api/ingest/status/abc")
    assert response.status_code == 502
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "SERVICE_UNAVAILABLE",
        "task-tracker is not reachable",
    )
    assert error["hint"]
    health = (await client.get("/api/stack/health")).json()["services"]
    assert {s["name"]: s["status"] for s in health}["upload"] == "unreachable"


async def test_graphql_over_a_websocket_is_not_offered() -> None:
    """The gate checks HTTP requests only; a socket must not be a way around it."""
    from mauzo_query_api.app import create_app

    app = create_app(QueryApiSettings(consume_events=False))
    protocol = "graphql-transport-ws"
    incoming = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": json.dumps({"type": "connection_init"})},
        {
            "type": "websocket.receive",
            "text": json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "{ dataRange { rowCount } }"}}
            ),
        },
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"dash"), (b"sec-websocket-protocol", protocol.encode())],
        "subprotocols": [protocol],
        "client": ("127.0.0.1", 1),
        "server": ("dash", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), 10)
    assert [m["type"] for m in sent] == ["websocket.close"]
