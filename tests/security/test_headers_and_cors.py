"""Security headers on every service's answers; the dashboard's content policy; CORS."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from mauzo_common.auth.principal import Role
from mauzo_common.testing.components import free_port
from mauzo_common.testing.errors import assert_error_body
from mauzo_query_api.app import create_app as create_query_api
from mauzo_query_api.settings import QueryApiSettings
from mauzo_spec_builder.app import create_app as create_spec_builder
from mauzo_spec_builder.settings import SpecBuilderSettings
from mauzo_task_tracker.app import create_app as create_tracker
from mauzo_task_tracker.settings import TrackerSettings
from mauzo_upload.app import create_app as create_upload
from mauzo_upload.settings import UploadSettings
from mauzo_validator.app import create_app as create_validator
from mauzo_validator.settings import ValidatorSettings

from .conftest import client_of, gated, headers_of

SERVICES: dict[str, Callable[[Path], FastAPI]] = {
    "upload": lambda d: create_upload(UploadSettings(data_dir=d)),
    "task-tracker": lambda d: create_tracker(TrackerSettings(data_dir=d)),
    "validator": lambda d: create_validator(ValidatorSettings(data_dir=d)),
    "spec-builder": lambda d: create_spec_builder(SpecBuilderSettings(data_dir=d)),
    "query-api": lambda d: create_query_api(
        QueryApiSettings(data_dir=d, consume_events=False, dashboard_dir=d / "none")
    ),
}


def assert_secured(headers: object) -> None:
    h = dict(headers)  # type: ignore[call-overload]
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in h["content-security-policy"]


@pytest.mark.parametrize("service", SERVICES)
async def test_every_service_answers_with_the_security_headers(service: str, tmp_path: Path):
    app = gated(SERVICES[service](tmp_path))
    async with client_of(app) as client:
        missing = await client.get("/api/no-such-route", headers=headers_of("x", Role.ADMIN))
        refused = await client.get("/api/no-such-route")  # no token: the gate's 401
    assert missing.status_code == 404
    assert refused.status_code == 401
    for answer in (missing, refused):
        assert_secured(answer.headers)
        # an API answer is never a document, and never kept by a cache
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert answer.headers["cache-control"] == "no-store"
    if service != "query-api":  # query-api wraps the same error object in its REST envelope
        assert_error_body(missing, 404, "not_found")
        assert_error_body(refused, 401, "unauthenticated")


THEME = b"document.documentElement.dataset.theme = 'dark';"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built dashboard: an index.html with one inline script (as the real one) and an asset."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('app')")
    (tmp_path / "index.html").write_bytes(
        b"<!doctype html><html><head><script>" + THEME + b"</script></head><body>"
        b'<script type="module" src="/assets/app-1a2b.js"></script></body></html>'
    )
    return tmp_path


async def test_the_dashboard_page_allows_only_its_own_scripts(dist: Path):
    app = create_query_api(QueryApiSettings(consume_events=False, dashboard_dir=dist))
    async with client_of(app) as client:
        page = await client.get("/overview?dateFrom=2024-01-01")
        asset = await client.get("/assets/app-1a2b.js")
    policy = page.headers["content-security-policy"]
    digest = base64.b64encode(hashlib.sha256(THEME).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in policy  # the inline theme script only
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-cache"  # the page's own choice is kept
    assert_secured(page.headers)
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert_secured(asset.headers)


async def test_graphiql_gets_the_policy_its_cdn_page_needs(tmp_path: Path):
    settings = QueryApiSettings(
        consume_events=False,
        dashboard_dir=tmp_path,
        druid_router_url=f"http://127.0.0.1:{free_port()}",
        druid_max_retries=0,
    )
    async with client_of(create_query_api(settings), lifespan=True) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html", **headers_of("dev")})
    assert page.status_code == 200
    assert "https://unpkg.com" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_cors_preflight_is_allowed_for_the_dashboard_origin_only(tmp_path: Path):
    port = free_port()
    settings = QueryApiSettings(consume_events=False, dashboard_dir=tmp_path, query_api_port=port)
    app = gated(create_query_api(settings))
    own = f"http://127.0.0.1:{port}"
    async with client_of(app) as client:
        allowed = await client.options("/graphql", headers=preflight(own))
        localhost = await client.options("/graphql", headers=preflight(f"http://localhost:{port}"))
        foreign = await client.options("/graphql", headers=preflight("https://evil.example"))
        simple = await client.get(
            "/api/no-such-route",
            headers={"Origin": "https://evil.example", **headers_of("x")},
        )
        own_get = await client.get("/api/no-such-route", headers={"Origin": own})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == own
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers  # tokens, not cookies
    assert localhost.status_code == 200
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers
    assert foreign.json()["error"]["code"] == "forbidden"
    assert "origin" in foreign.json()["error"]["message"].lower()
    assert "access-control-allow-origin" not in simple.headers
    # even a refusal (401, no token) carries CORS headers for the dashboard, so it can read it
    assert own_get.status_code == 401
    assert own_get.headers["access-control-allow-origin"] == own


async def test_cors_origins_come_from_the_settings(tmp_path: Path):
    settings = QueryApiSettings(
        consume_events=False, dashboard_dir=tmp_path, cors_origins=["https://bi.example.co.ke"]
    )
    app = create_query_api(settings)
    async with client_of(app) as client:
        configured = await client.options("/graphql", headers=preflight("https://bi.example.co.ke"))
        default = await client.options("/graphql", headers=preflight("http://127.0.0.1:8000"))
    assert configured.status_code == 200
    assert default.status_code == 403
