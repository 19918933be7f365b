"""Druid SQL API: POST /druid/v2/sql and DELETE /druid/v2/sql/{sqlQueryId} (druid-contracts §4)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from mauzo_olap_lite.api.deps import Components, components
from mauzo_olap_lite.errors import DruidError, invalid_input
from mauzo_olap_lite.sql.engine import new_query_id
from mauzo_olap_lite.sql.results import MEDIA, render

router = APIRouter(prefix="/druid/v2/sql")
Deps = Annotated[Components, Depends(components)]
QUERY_ID_HEADER = "X-Druid-SQL-Query-Id"


@router.post("")
@router.post("/")
async def sql(request: Request, c: Deps) -> Response:
    query_id = new_query_id()
    try:
        body = _body(await request.body())
        ctx = c.sql.context(body)
        query_id = ctx.query_id or query_id
        fmt = str(body.get("resultFormat") or "object")
        header = bool(body.get("header", False))
        result = await run_in_threadpool(c.sql.execute, body, ctx, query_id)
        content = render(
            result,
            fmt,
            header,
            bool(body.get("typesHeader", False)),
            bool(body.get("sqlTypesHeader", False)),
        )
    except DruidError as exc:
        return JSONResponse(exc.body(), status_code=exc.status, headers={QUERY_ID_HEADER: query_id})
    headers = {QUERY_ID_HEADER: query_id}
    if header:
        headers["X-Druid-SQL-Header-Included"] = "yes"
    return Response(content, media_type=MEDIA[fmt.lower()], headers=headers)


@router.delete("/{query_id}")
def cancel(query_id: str, c: Deps) -> Response:
    return Response(status_code=202 if c.sql.cancel(query_id) else 404)


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise invalid_input(f"Malformed SQL query: {exc}") from exc
    if not isinstance(body, dict):
        raise invalid_input("Malformed SQL query: expected a JSON object")
    return body
