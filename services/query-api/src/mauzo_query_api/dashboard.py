"""The dashboard: its built files at /, and a same-origin gateway to the ingest services.

The single-page app lives in `services/query-api/dashboard` and is built into `dashboard/dist`
(git-ignored). Any GET that is not an API path and not a built file answers `index.html`, so a
link such as `/overview?dateFrom=...` opens the app on that page. Hashed files under `assets/`
are cached for a year; a precompressed `.gz` twin is sent to browsers that accept gzip.

Uploads with a mapping, schema analysis, the status long-poll, reports, rejected rows and
retraction are REST endpoints of upload, validator and task-tracker on their own ports. The
browser reaches them through `/api/ingest/...` here, so the app needs one origin and no CORS;
`/api/stack/health` gathers every service's health for the Diagnostics page. Changing requests
(POST, DELETE) must carry the header `x-mauzo-client`, which a cross-site form cannot send.

Sign-in (`POST /api/auth/token`, the OAuth2 token endpoint) and the audit log (`GET /api/audit`)
are task-tracker's, reached the same way. The caller's bearer token passes through untouched:
each service behind checks it itself. Every forwarded request names the caller's address in
X-Forwarded-For, so sign-in limits and the audit log see the browser, not query-api.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import structlog
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.principal import Role
from mauzo_query_api.errors import InvalidArgument, ServiceUnavailable
from mauzo_query_api.page_policy import index_policy
from mauzo_query_api.settings import QueryApiSettings

log = structlog.get_logger(__name__)

API_PREFIXES = ("api/", "graphql")
HOP_HEADERS = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "upgrade",
    "host",
    "content-length",
    "proxy-authorization",
    "proxy-authenticate",
    "trailer",
    # Set by the gateway from the connection, never taken from the caller (who could name any
    # address to dodge a per-address sign-in limit or blur the audit log).
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
}
# The status long-poll waits up to 60 s on task-tracker.
GATEWAY_TIMEOUT = httpx.Timeout(90, connect=5)
HEALTH_TIMEOUT = httpx.Timeout(3, connect=1)
CLIENT_HEADER = "x-mauzo-client"


# Besides the API: the metrics and FastAPI's documentation pages are no dashboard files either.
PROTECTED_PREFIXES = (*API_PREFIXES, "metrics", "docs", "redoc", "openapi.json")


def is_public_path(path: str) -> bool:
    """The dashboard's own files (they hold no data) load without a token, so the sign-in page
    can; every API path, /graphql included (GET runs queries too), needs one."""
    return not path.lstrip("/").startswith(PROTECTED_PREFIXES)


def default_dist() -> Path:
    return Path(__file__).resolve().parents[2] / "dashboard" / "dist"


def built_file(dist: Path, path: str) -> Path | None:
    """The built file a request path names, never one outside `dist`."""
    if not path or path.endswith("/"):
        return None
    candidate = (dist / path).resolve()
    if not candidate.is_relative_to(dist.resolve()) or not candidate.is_file():
        return None
    return candidate


def files(settings: QueryApiSettings) -> APIRouter:
    """GET routes for the built app; registered after every API route."""
    router = APIRouter(include_in_schema=False)
    dist = settings.dashboard_dir or default_dist()

    @router.get("/{path:path}")
    async def serve(path: str, request: Request) -> Response:
        # Unknown API paths and missing files are the app's ordinary 404 (its error body).
        if path.startswith(API_PREFIXES):
            raise HTTPException(404)
        index = dist / "index.html"
        if not index.is_file():
            raise HTTPException(
                404, "the dashboard is not built: run `make install` (npm ci + build)"
            )
        found = built_file(dist, path)
        if found is not None and found.name == "index.html":
            return FileResponse(found, headers=page_headers(found))
        if found is None:
            if "." in path.rsplit("/", 1)[-1]:
                raise HTTPException(404)
            return FileResponse(index, headers=page_headers(index))
        headers = {"vary": "accept-encoding"}
        headers["cache-control"] = (
            "public, max-age=31536000, immutable" if path.startswith("assets/") else "no-cache"
        )
        zipped = found.with_name(found.name + ".gz")
        if "gzip" in request.headers.get("accept-encoding", "") and zipped.is_file():
            headers["content-encoding"] = "gzip"
            return FileResponse(zipped, headers=headers, media_type=media_type(found))
        return FileResponse(found, headers=headers)

    return router


def page_headers(index: Path) -> dict[str, str]:
    return {"cache-control": "no-cache", "content-security-policy": index_policy(index)}


def media_type(path: Path) -> str:
    return {
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
        ".svg": "image/svg+xml",
        ".json": "application/json",
    }.get(path.suffix, "application/octet-stream")


def upstreams(settings: QueryApiSettings) -> dict[str, str]:
    return {
        "upload": settings.uploader_url,
        "task-tracker": settings.tracker_url,
        "validator": settings.validator_service_url,
        "spec-builder": settings.spec_builder_service_url,
    }


def gateway(settings: QueryApiSettings) -> APIRouter:
    """Pass-through of the ingest endpoints the dashboard uses, to the service owning each."""
    router = APIRouter(prefix="/api", include_in_schema=False)
    targets = upstreams(settings)
    client = httpx.AsyncClient(timeout=GATEWAY_TIMEOUT)

    async def forward(
        request: Request, service: str, path: str, *, csrf_guard: bool = True
    ) -> Response:
        changing = request.method in ("POST", "DELETE")
        if csrf_guard and changing and not request.headers.get(CLIENT_HEADER):
            raise InvalidArgument(f"changing requests need the header `{CLIENT_HEADER}`")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        if request.client is not None:
            # query-api's own server already resolved a trusted proxy in front of it (uvicorn's
            # proxy headers), so the connection's address is the caller's.
            headers["x-forwarded-for"] = request.client.host
        body: AsyncIterator[bytes] | None = (
            request.stream() if request.method in ("POST", "PUT") else None
        )
        outgoing = client.build_request(
            request.method,
            f"{targets[service]}{path}",
            params=request.query_params,
            headers=headers,
            content=body,
        )
        try:
            answer = await client.send(outgoing, stream=True)
        except httpx.HTTPError as exc:
            log.warning("gateway_unreachable", service=service, error=repr(exc))
            raise ServiceUnavailable(f"{service} is not reachable") from exc
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
        return StreamingResponse(
            answer.aiter_raw(),
            status_code=answer.status_code,
            headers=kept,
            background=BackgroundTask(answer.aclose),
        )

    # The user's own Authorization header goes through (forward keeps it), so the service
    # behind applies the user's role and ownership; the roles here refuse early what it would.
    @router.post("/ingest/upload", dependencies=guarded(Role.UPLOADER))
    async def upload(request: Request) -> Response:
        return await forward(request, "upload", "/api/ingest/upload")

    @router.post("/ingest/analyze-schema", dependencies=guarded(Role.UPLOADER))
    async def analyze(request: Request) -> Response:
        return await forward(request, "validator", "/api/ingest/analyze-schema")

    @router.get("/ingest/{rest:path}", dependencies=guarded(Role.VIEWER))
    async def tracker(rest: str, request: Request) -> Response:
        return await forward(request, "task-tracker", f"/api/ingest/{rest}")

    @router.delete("/ingest/{rest:path}", dependencies=guarded(Role.ADMIN))
    async def tracker_change(rest: str, request: Request) -> Response:
        """Retraction (DELETE /api/ingest/tasks/{id}/data) is the only DELETE behind it."""
        return await forward(request, "task-tracker", f"/api/ingest/{rest}")

    # Every internal service's address and state: the Diagnostics page is an operator's.
    @router.get("/stack/health", dependencies=guarded(Role.ADMIN))
    async def stack_health() -> JSONResponse:
        checks = {name: f"{url}/api/health" for name, url in targets.items()}
        checks["olap"] = f"{settings.router_url}/status/health"
        names = list(checks)
        answers = await asyncio.gather(*(probe(client, checks[n]) for n in names))
        return JSONResponse(
            {"services": [{"name": n} | a for n, a in zip(names, answers, strict=True)]}
        )

    @router.post("/auth/token")
    async def token(request: Request) -> Response:
        # Public, and without the client-header guard: a standard OAuth2 client does not send
        # it, and a cross-site form gains nothing here (the answer goes to the page that posted,
        # and a session is a header this origin's script adds, never a cookie).
        return await forward(request, "task-tracker", "/api/auth/token", csrf_guard=False)

    @router.get("/audit", dependencies=guarded(Role.ADMIN))  # task-tracker checks it again
    async def audit(request: Request) -> Response:
        return await forward(request, "task-tracker", "/api/audit")

    return router


async def probe(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(url, timeout=HEALTH_TIMEOUT)
    except httpx.HTTPError as exc:
        return {"status": "unreachable", "detail": type(exc).__name__, "url": url}
    try:
        body = response.json()
    except ValueError:
        body = response.text[:200]
    status = "ok" if response.status_code == 200 else "unavailable"
    return {"status": status, "httpStatus": response.status_code, "body": body, "url": url}
