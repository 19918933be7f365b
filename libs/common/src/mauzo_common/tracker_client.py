"""The one client of task-tracker's HTTP API: status, lists, registration and abort.

Identifiers are checked against task-tracker's own patterns before they reach a URL, so a caller
cannot steer a request to another path. Every failure to get an answer (unreachable, an error
status, a body that is not JSON) is one `TrackerUnavailable`; each service says it in its words.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx
import structlog

from mauzo_common.datasources import is_datasource_name
from mauzo_common.errors import TransientError
from mauzo_common.events import ErrorInfo
from mauzo_common.tasks import TASK_ID_PATTERN, TaskState
from mauzo_common.uploads import UploadRegistration

log = structlog.get_logger(__name__)

_TASK_ID = re.compile(TASK_ID_PATTERN)
DEFAULT_TIMEOUT = httpx.Timeout(10, connect=5)
MAX_LIMIT = 500


class TrackerUnavailable(TransientError):
    """task-tracker gave no usable answer; `detail` says what happened, for logs and messages."""

    def __init__(self, detail: str, *, reachable: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reachable = reachable


class TaskTrackerClient:
    def __init__(
        self,
        base_url: str,
        client: httpx.AsyncClient,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.timeout = timeout

    def status_url(self, task_id: str) -> str:
        return f"{self.base_url}/api/ingest/status/{_checked(task_id)}"

    async def task(self, task_id: str, request_id: str | None = None) -> dict[str, Any] | None:
        """The task's status document, or None when the tracker does not know it."""
        path = f"/api/ingest/status/{_checked(task_id)}"
        response = await self._send("GET", path, request_id, missing_ok=True)
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        return _json(response)

    async def tasks(
        self,
        *,
        datasource: str | None = None,
        state: TaskState | None = None,
        sha256: str | None = None,
        limit: int = 50,
        request_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Status documents of the tasks matching every filter given, newest first."""
        params: dict[str, Any] = {"limit": limit}
        if datasource is not None:
            if not is_datasource_name(datasource):
                raise ValueError(f"not a datasource name: {datasource[:80]!r}")
            params["datasource"] = datasource
        if state is not None:
            params["state"] = state.value
        if sha256 is not None:
            params["sha256"] = sha256
        body = _json(await self._send("GET", "/api/ingest/tasks", request_id, params=params))
        return [t for t in body.get("tasks", []) if isinstance(t, dict)]

    async def streams(
        self, *, datasource: str | None = None, request_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Every streamed datasource's counters and supervisor state (GET /api/streams)."""
        params: dict[str, Any] = {}
        if datasource is not None:
            if not is_datasource_name(datasource):
                raise ValueError(f"not a datasource name: {datasource[:80]!r}")
            params["datasource"] = datasource
        response = await self._send("GET", "/api/streams", request_id, params=params)
        body: Any = response.json()
        return [s for s in body if isinstance(s, dict)] if isinstance(body, list) else []

    async def audit(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        request_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Audit records matching every filter given, newest first (GET /api/audit, admin)."""
        params: dict[str, Any] = {"limit": limit}
        for name, value in (("actor", actor), ("action", action)):
            if value is not None:
                params[name] = value
        for name, moment in (("since", since), ("until", until)):
            if moment is not None:
                params[name] = moment.isoformat()
        body = _json(await self._send("GET", "/api/audit", request_id, params=params))
        return [r for r in body.get("records", []) if isinstance(r, dict)]

    async def register(self, registration: UploadRegistration) -> None:
        await self._send(
            "POST", "/api/ingest/tasks", None, json=registration.model_dump(mode="json")
        )

    async def abort(self, task_id: str, error: ErrorInfo) -> None:
        """Mark a registered task failed because its upload could not be finished."""
        path = f"/api/ingest/tasks/{_checked(task_id)}/abort"
        await self._send("POST", path, None, json=error.model_dump())

    async def restart(self, task_id: str) -> bool:
        """Ask for an unfinished load to be started again; whether it was (it may be moving)."""
        path = f"/api/ingest/tasks/{_checked(task_id)}/restart"
        return bool(_json(await self._send("POST", path, None)).get("restarted"))

    async def _send(
        self,
        method: str,
        path: str,
        request_id: str | None,
        *,
        missing_ok: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        url = f"{self.base_url}{path}"
        headers = {"x-request-id": request_id} if request_id else None
        try:
            response = await self.client.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except httpx.HTTPError as exc:
            log.warning("tracker_unreachable", url=url, error=repr(exc))
            raise TrackerUnavailable(f"{method} {url} failed: {exc!r}", reachable=False) from exc
        missing = missing_ok and response.status_code == httpx.codes.NOT_FOUND
        if response.status_code >= httpx.codes.BAD_REQUEST and not missing:
            log.error("tracker_failed", status=response.status_code, body=response.text[:500])
            raise TrackerUnavailable(
                f"{method} {url} answered HTTP {response.status_code}", reachable=True
            )
        return response


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise TrackerUnavailable(
            f"{response.request.method} {response.request.url} answered something other than JSON",
            reachable=True,
        ) from exc
    if not isinstance(body, dict):
        raise TrackerUnavailable(
            f"{response.request.method} {response.request.url} answered JSON that is not an object",
            reachable=True,
        )
    return body


def _checked(task_id: str) -> str:
    if not _TASK_ID.fullmatch(task_id):
        raise ValueError(f"not a task id: {task_id[:80]!r}")
    return task_id
