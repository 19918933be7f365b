"""Supervisor API (/druid/indexer/v1/supervisor), docs/druid.md#supervisor-api."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from mauzo_olap_lite.errors import OverlordError
from mauzo_olap_lite.supervisors import shapes
from mauzo_olap_lite.supervisors.manager import SupervisorManager

router = APIRouter(prefix="/druid/indexer/v1/supervisor")


def supervisors(request: Request) -> SupervisorManager:
    found: SupervisorManager = request.app.state.supervisors
    return found


Manager = Annotated[SupervisorManager, Depends(supervisors)]


@router.post("")
async def submit(request: Request, m: Manager) -> dict[str, str]:
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise OverlordError(400, f"Malformed supervisor spec: {exc}") from exc
    return {"id": await m.submit(body)}


@router.get("")
def list_supervisors(request: Request, m: Manager) -> Any:
    params = request.query_params
    if "full" in params:
        return [shapes.full_entry(r) for r in m.runners()]
    if "state" in params:
        return [
            {
                "id": r.spec.id,
                "state": s,
                "detailedState": d,
                "healthy": shapes.healthy(r),
                "suspended": r.spec.suspended,
            }
            for r in m.runners()
            for s, d in [shapes.state_of(r)]
        ]
    return m.ids()


@router.get("/history")
async def all_history(m: Manager) -> dict[str, list[Any]]:
    return await m.history(None)


@router.post("/suspendAll")
async def suspend_all(m: Manager) -> dict[str, str]:
    for sup_id in m.ids():
        if not m.get(sup_id).spec.suspended:
            await m.set_suspended(sup_id, True)
    return {"status": "success"}


@router.post("/resumeAll")
async def resume_all(m: Manager) -> dict[str, str]:
    for sup_id in m.ids():
        if m.get(sup_id).spec.suspended:
            await m.set_suspended(sup_id, False)
    return {"status": "success"}


@router.post("/terminateAll")
async def terminate_all(m: Manager) -> dict[str, str]:
    for sup_id in m.ids():
        await m.terminate(sup_id)
    return {"status": "success"}


@router.get("/{sup_id}")
def get_spec(sup_id: str, m: Manager) -> dict[str, Any]:
    return m.get(sup_id).spec.body


@router.get("/{sup_id}/status")
def status(sup_id: str, m: Manager) -> dict[str, Any]:
    return shapes.status(m.get(sup_id))


@router.get("/{sup_id}/health")
def health(sup_id: str, m: Manager) -> Response:
    ok = shapes.healthy(m.get(sup_id))
    return JSONResponse({"healthy": ok}, status_code=200 if ok else 503)


@router.get("/{sup_id}/stats")
def stats(sup_id: str, m: Manager) -> dict[str, Any]:
    return shapes.stats(m.get(sup_id))


@router.get("/{sup_id}/history")
async def history(sup_id: str, m: Manager) -> list[Any]:
    found = (await m.history(sup_id)).get(sup_id)
    if not found:
        raise OverlordError(404, f"No history for [{sup_id}].")
    return found


@router.post("/{sup_id}/suspend")
async def suspend(sup_id: str, m: Manager) -> dict[str, Any]:
    return await m.set_suspended(sup_id, True)


@router.post("/{sup_id}/resume")
async def resume(sup_id: str, m: Manager) -> dict[str, Any]:
    return await m.set_suspended(sup_id, False)


@router.post("/{sup_id}/reset")
async def reset(sup_id: str, m: Manager) -> dict[str, str]:
    await m.reset(sup_id)
    return {"id": sup_id}


@router.post("/{sup_id}/terminate")
async def terminate(sup_id: str, m: Manager) -> dict[str, str]:
    await m.terminate(sup_id)
    return {"id": sup_id}


@router.post("/{sup_id}/shutdown", deprecated=True)
async def shutdown(sup_id: str, m: Manager) -> dict[str, str]:
    await m.terminate(sup_id)
    return {"id": sup_id}
