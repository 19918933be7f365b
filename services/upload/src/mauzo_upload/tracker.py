"""The calls upload makes to task-tracker: duplicate lookup, registration, abort."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from mauzo_common.events import ErrorInfo
from mauzo_upload.errors import DependencyUnavailable

log = structlog.get_logger(__name__)
LOOKUP_LIMIT = 500
GONE = frozenset({"failed", "retracted"})


class TrackerClient:
    def __init__(self, base_url: str, client: httpx.AsyncClient, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.timeout = timeout

    def status_url(self, task_id: str) -> str:
        return f"{self.base_url}/api/ingest/status/{task_id}"

    async def first_with_same_bytes(self, datasource: str, sha256: str) -> str | None:
        """The earliest task that loaded (or is loading) these bytes into this datasource.

        Failed tasks do not count: a failure was the system's, so the user may simply retry.
        Retracted ones neither: their rows are gone (deleted, or replaced by a replace=true
        upload, which is then the one pointed at).
        """
        body = await self._call(
            "GET",
            "/api/ingest/tasks",
            params={"datasource": datasource, "sha256": sha256, "limit": LOOKUP_LIMIT},
        )
        tasks = [t for t in body.get("tasks", []) if t.get("state") not in GONE]
        if not tasks:
            return None
        first = min(tasks, key=lambda t: str(t.get("created_at", "")))
        return str(first["task_id"])

    async def register(self, registration: dict[str, Any]) -> None:
        await self._call("POST", "/api/ingest/tasks", json=registration)

    async def abort(self, task_id: str, error: ErrorInfo) -> None:
        """Best effort: mark a registered task failed when its upload could not be finished."""
        try:
            await self._call("POST", f"/api/ingest/tasks/{task_id}/abort", json=error.model_dump())
        except DependencyUnavailable as exc:
            log.warning("abort_not_recorded", error=exc.message)

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        try:
            response = await self.client.request(method, url, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise _unavailable(f"{method} {url} failed: {exc!r}") from exc
        if response.status_code >= httpx.codes.BAD_REQUEST:
            raise _unavailable(f"{method} {url} answered HTTP {response.status_code}")
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise _unavailable(f"{method} {url} answered something other than JSON") from exc
        return body


def _unavailable(detail: str) -> DependencyUnavailable:
    return DependencyUnavailable(
        "task_tracker_unavailable",
        f"The task-tracker could not record the upload ({detail}). Nothing was kept.",
        "Upload the file again in a moment; if it keeps failing, check that task-tracker runs.",
    )
