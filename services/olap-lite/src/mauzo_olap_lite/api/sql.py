"""Druid SQL API: POST /druid/v2/sql and DELETE /druid/v2/sql/{sqlQueryId} (docs/druid.md#sql-api).

The POST hot path is lean (bench/olap_lite/sql_overhead.py, goal <= 2 ms over in-process DuckDB):
a plain Starlette endpoint (FastAPI's dependency and parameter machinery cost ~0.4 ms a request),
and the query runs and renders in one hop to a dedicated thread pool through the event loop's
executor API (anyio's run_in_threadpool costs several times more per call).
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from mauzo_olap_lite.api.deps import Components, components
from mauzo_olap_lite.errors import DruidError, invalid_input
from mauzo_olap_lite.sql.context import QueryContext
from mauzo_olap_lite.sql.engine import SqlEngine, new_query_id
from mauzo_olap_lite.sql.results import MEDIA, render

PATH = "/druid/v2/sql"
router = APIRouter(prefix=PATH)
Deps = Annotated[Components, Depends(components)]
QUERY_ID_HEADER = "X-Druid-SQL-Query-Id"
# As many concurrent queries as anyio's default thread limiter allowed; threads start on demand.
_POOL = ThreadPoolExecutor(max_workers=40, thread_name_prefix="olap-sql")


async def sql(request: Request) -> Response:
    c: Components = request.app.state.components
    query_id = new_query_id()
    try:
        body = _body(await request.body())
        ctx = c.sql.context(body)
        query_id = ctx.query_id or query_id
        fmt = str(body.get("resultFormat") or "object")
        header = bool(body.get("header", False))
        content = await asyncio.get_running_loop().run_in_executor(
            _POOL, _run, c.sql, body, ctx, query_id, fmt, header
        )
    except DruidError as exc:
        return JSONResponse(exc.body(), status_code=exc.status, headers={QUERY_ID_HEADER: query_id})
    headers = {QUERY_ID_HEADER: query_id}
    if header:
        headers["X-Druid-SQL-Header-Included"] = "yes"
    return Response(content, media_type=MEDIA[fmt.lower()], headers=headers)


router.add_route(PATH, sql, methods=["POST"], include_in_schema=False)
router.add_route(PATH + "/", sql, methods=["POST"], include_in_schema=False)


@router.delete("/{query_id}")
def cancel(query_id: str, c: Deps) -> Response:
    return Response(status_code=202 if c.sql.cancel(query_id) else 404)


def _run(
    engine: SqlEngine,
    body: dict[str, Any],
    ctx: QueryContext,
    query_id: str,
    fmt: str,
    header: bool,
) -> bytes:
    result = engine.execute(body, ctx, query_id)
    return render(
        result,
        fmt,
        header,
        bool(body.get("typesHeader", False)),
        bool(body.get("sqlTypesHeader", False)),
    )


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise invalid_input(f"Malformed SQL query: {exc}") from exc
    if not isinstance(body, dict):
        raise invalid_input("Malformed SQL query: expected a JSON object")
    return body
