"""Druid's native query endpoint: POST /druid/v2 and DELETE /druid/v2/{queryId}
(Druid's querying/querying.md). Like the SQL endpoint, a plain Starlette route that runs the query
on a thread of its own pool; errors answer in the native body with the query id header."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mauzo_olap_lite.api.deps import Components
from mauzo_olap_lite.native.context import NativeContext
from mauzo_olap_lite.native.engine import NativeEngine
from mauzo_olap_lite.native.errors import NativeQueryError, bad_query

log = structlog.get_logger(__name__)
PATH = "/druid/v2"
QUERY_ID_HEADER = "X-Druid-Query-Id"
router = APIRouter()
_POOL = ThreadPoolExecutor(max_workers=40, thread_name_prefix="olap-native")


async def native(request: Request) -> Response:
    c: Components = request.app.state.components
    query_id = ""
    try:
        query = _body(await request.body())
        ctx = c.native.context(query)
        query_id = ctx.query_id
        rows = await asyncio.get_running_loop().run_in_executor(_POOL, _run, c.native, query, ctx)
    except NativeQueryError as exc:
        return _failure(exc, query_id)
    except (ValueError, KeyError, TypeError) as exc:  # a field of the wrong shape or value
        return _failure(bad_query(f"{type(exc).__name__}: {exc}"), query_id)
    except Exception as exc:
        log.exception("native_query_failed", query_id=query_id)
        failure = NativeQueryError(500, "Unknown exception", str(exc), type(exc).__name__)
        return _failure(failure, query_id)
    return Response(rows, media_type="application/json", headers={QUERY_ID_HEADER: query_id})


def _failure(exc: NativeQueryError, query_id: str) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers={QUERY_ID_HEADER: query_id})


def _run(engine: NativeEngine, query: dict[str, Any], ctx: NativeContext) -> bytes:
    return json.dumps(engine.execute(query, ctx), separators=(",", ":")).encode()


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise bad_query(f"Malformed query: {exc}") from exc
    if not isinstance(body, dict):
        raise bad_query("Malformed query: expected a JSON object")
    return body


async def cancel(request: Request) -> Response:
    c: Components = request.app.state.components
    c.native.cancel(request.path_params["query_id"])
    # Druid accepts every cancellation, whether or not the query still runs
    return Response(status_code=202)


router.add_route(PATH, native, methods=["POST"], include_in_schema=False)
router.add_route(PATH + "/", native, methods=["POST"], include_in_schema=False)
router.add_route(PATH + "/{query_id}", cancel, methods=["DELETE"], include_in_schema=False)
