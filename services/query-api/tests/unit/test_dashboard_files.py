"""query-api serves the built dashboard: files, SPA fallback for pages, API paths untouched."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

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
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dash")


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
    assert "make install" in response.json()["detail"]
