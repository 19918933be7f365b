"""Health, status and datasource metadata endpoints (docs/druid.md#metadata-apis)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from mauzo_olap_lite.api.deps import Components, components
from mauzo_olap_lite.catalog import datasources
from mauzo_olap_lite.datasources import mark_unused, roles, simple_listing, summary
from mauzo_olap_lite.errors import OverlordError
from mauzo_olap_lite.timeutil.periods import parse_interval

router = APIRouter()
Deps = Annotated[Components, Depends(components)]
DRUID_VERSION = "31.0.0"
MODULES = [
    ("org.apache.druid.storage.s3.S3StorageDruidModule", "druid-s3-extensions"),
    ("org.apache.druid.data.input.parquet.ParquetExtensionsModule", "druid-parquet-extensions"),
]


@router.get("/status")
def status() -> dict[str, Any]:
    return {
        "version": DRUID_VERSION,
        "modules": [{"name": n, "artifact": a, "version": DRUID_VERSION} for n, a in MODULES],
        "memory": {
            "maxMemory": 0,
            "totalMemory": 0,
            "freeMemory": 0,
            "usedMemory": 0,
            "directMemory": 0,
        },
        "engine": "mauzo olap-lite (DuckDB)",
    }


@router.get("/status/health")
def health() -> bool:
    return True


@router.get("/status/selfDiscovered/status")
def self_discovered() -> dict[str, bool]:
    return {"selfDiscovered": True}


@router.get("/status/properties")
def properties() -> dict[str, str]:
    return {}


@router.get("/druid/broker/v1/readiness")
def readiness() -> Response:
    return Response(status_code=200)


@router.get("/druid/broker/v1/loadstatus")
def loadstatus() -> dict[str, bool]:
    return {"inventoryInitialized": True}


@router.get("/druid/v2/datasources")
def broker_datasources(c: Deps) -> list[str]:
    return datasources(c.db.thread_cursor())


@router.get("/druid/v2/datasources/{datasource}")
def broker_datasource(datasource: str, c: Deps) -> dict[str, list[str]]:
    return roles(c.db.thread_cursor(), datasource)


@router.get("/druid/v2/datasources/{datasource}/dimensions")
def broker_dimensions(datasource: str, c: Deps) -> list[str]:
    return roles(c.db.thread_cursor(), datasource)["dimensions"]


@router.get("/druid/v2/datasources/{datasource}/metrics")
def broker_metrics(datasource: str, c: Deps) -> list[str]:
    return roles(c.db.thread_cursor(), datasource)["metrics"]


@router.get("/druid/coordinator/v1/datasources")
def coordinator_datasources(request: Request, c: Deps) -> Any:
    cur = c.db.thread_cursor()
    if "simple" in request.query_params or "full" in request.query_params:
        return simple_listing(cur)
    return datasources(cur)


@router.get("/druid/coordinator/v1/datasources/{datasource}")
def coordinator_datasource(datasource: str, c: Deps) -> Response:
    found = summary(c.db.thread_cursor(), datasource)
    if found is None:
        return Response(status_code=204)
    return JSONResponse(found)


@router.post("/druid/coordinator/v1/datasources/{datasource}/markUnused")
async def mark_unused_route(datasource: str, request: Request, c: Deps) -> dict[str, int]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise OverlordError(400, f"Invalid payload: {exc}") from exc
    interval_text, ids = body.get("interval"), body.get("segmentIds")
    if (interval_text is None) == (ids is None):
        raise OverlordError(
            400, "Invalid request payload: exactly one of interval or segmentIds is required"
        )
    try:
        interval = parse_interval(str(interval_text)) if interval_text is not None else None
    except ValueError as exc:
        raise OverlordError(400, str(exc)) from exc
    changed = await run_in_threadpool(
        mark_unused, c.db, datasource, interval, [str(i) for i in ids] if ids is not None else None
    )
    c.sql.invalidate()
    return {"numChangedSegments": changed}


@router.delete("/druid/coordinator/v1/datasources/{datasource}")
async def delete_datasource(datasource: str, c: Deps) -> dict[str, int]:
    changed = await run_in_threadpool(mark_unused, c.db, datasource, None, None)
    c.sql.invalidate()
    return {"numChangedSegments": changed}
