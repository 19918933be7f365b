"""Task status from task-tracker over HTTP: one task, or a filtered list. Never cached.

Identifiers are checked against task-tracker's own patterns before they reach a URL, so a
caller cannot steer the request to another path.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import structlog

from mauzo_query_api.errors import InvalidArgument, TrackerUnavailable

log = structlog.get_logger(__name__)

TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DATASOURCE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
TIMEOUT = httpx.Timeout(10, connect=5)


def check_datasource(name: str) -> str:
    if not DATASOURCE.match(name):
        raise InvalidArgument("datasource must be a letter then letters, digits or _ (max 64)")
    return name


class TaskTrackerClient:
    def __init__(self, tracker_url: str, client: httpx.AsyncClient) -> None:
        self.base = f"{tracker_url.rstrip('/')}/api/ingest"
        self.client = client

    async def _get(
        self, path: str, request_id: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        try:
            return await self.client.get(
                f"{self.base}{path}",
                params=params,
                headers={"x-request-id": request_id},
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as exc:
            log.warning("tracker_unreachable", error=repr(exc))
            raise TrackerUnavailable("the task tracker is not reachable") from exc

    def _failed(self, response: httpx.Response) -> TrackerUnavailable:
        log.error("tracker_failed", status=response.status_code, body=response.text[:500])
        return TrackerUnavailable("the task tracker could not answer")

    async def task(self, task_id: str, request_id: str) -> dict[str, Any] | None:
        """The task's status document, or None when the tracker does not know it."""
        if not TASK_ID.match(task_id):
            raise InvalidArgument("taskId must be 1-64 letters, digits, _ or -")
        response = await self._get(f"/status/{task_id}", request_id)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._failed(response)
        body: dict[str, Any] = response.json()
        return body

    async def tasks(
        self, request_id: str, *, datasource: str | None, state: str | None, limit: int
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit}
        if datasource is not None:
            params["datasource"] = check_datasource(datasource)
        if state is not None:
            params["state"] = state
        response = await self._get("/tasks", request_id, params)
        if response.status_code != 200:
            raise self._failed(response)
        body = response.json()
        tasks = body.get("tasks", []) if isinstance(body, dict) else body
        return [t for t in tasks if isinstance(t, dict)]
