"""DruidClient: the Overlord's task and supervisor APIs, SQL with parameters, and metadata.

Async over the caller's httpx client (its pool and lifetime stay the service's). Every call goes
through one Transport, so every answer is read the same way and retried by the same rule.
Not pydruid: its client is synchronous and built around native queries, while the services need
async Overlord, supervisor and SQL calls inside their event loops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from mauzo_common.druid.answers import DatasourceColumns, Submission, TaskReport, TaskStatus
from mauzo_common.druid.errors import DruidAnswer, DruidError, DruidRefused
from mauzo_common.druid.transport import NO_RETRY, Retry, Timeout, Transport
from mauzo_common.settings import MauzoSettings

TASKS = "/druid/indexer/v1"
SUPERVISORS = "/druid/indexer/v1/supervisor"
SQL = "/druid/v2/sql"


@dataclass(frozen=True)
class SqlParameter:
    """One positional `?` value with its Druid SQL type (VARCHAR, TIMESTAMP, DOUBLE, BIGINT)."""

    type: str
    value: str | int | float

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value}


def druid_auth(settings: MauzoSettings) -> httpx.Auth | None:
    """HTTP Basic as Druid's basic-security extension checks it (olap-lite does the same);
    none when no password is set, as for a Druid without that extension."""
    if settings.druid_password is None:
        return None
    return httpx.BasicAuth(settings.druid_username, settings.druid_password.get_secret_value())


class DruidClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        overlord_url: str,
        router_url: str,
        retry: Retry,
        timeout: Timeout,
        auth: httpx.Auth | None = None,
    ) -> None:
        self._overlord = overlord_url.rstrip("/")
        self._router = router_url.rstrip("/")
        self._transport = Transport(http, retry=retry, timeout=timeout, auth=auth)

    @classmethod
    def from_settings(
        cls, http: httpx.AsyncClient, settings: MauzoSettings, *, timeout: Timeout
    ) -> DruidClient:
        return cls(
            http,
            overlord_url=settings.overlord_url,
            router_url=settings.router_url,
            retry=Retry.from_settings(settings),
            timeout=timeout,
            auth=druid_auth(settings),
        )

    # --- Overlord tasks ---------------------------------------------------------------------

    async def submit_task(self, spec: Mapping[str, Any]) -> Submission:
        """Submit under the spec's own id, which callers derive from their task id: a second
        submission (a re-delivered event, a retried request) is "already submitted", not a
        second load."""
        task_id = str(spec.get("id") or "")
        if not task_id:
            raise ValueError("a task spec needs its deterministic `id`")
        try:
            body = await self._transport.call("POST", self._overlord + TASKS + "/task", json=spec)
        except DruidError as exc:
            if exc.answer.already_exists:
                return Submission(task_id, already_submitted=True)
            raise
        answered = body.get("task") if isinstance(body, dict) else None
        return Submission(answered if isinstance(answered, str) and answered else task_id, False)

    async def task_status(self, task_id: str) -> TaskStatus | None:
        """None when the Overlord does not know the task."""
        body = await self._transport.call("GET", self._task(task_id, "status"), missing_ok=True)
        return None if body is None else TaskStatus.read(body)

    async def task_report(self, task_id: str) -> TaskReport | None:
        """None while there is no report yet (it can lag the status briefly)."""
        body = await self._transport.call("GET", self._task(task_id, "reports"), missing_ok=True)
        return None if body is None else TaskReport.read(body)

    async def task_payload(self, task_id: str) -> dict[str, Any] | None:
        """The spec the task was submitted with (None when the Overlord does not know it)."""
        body = await self._transport.call(
            "GET", self._task(task_id, "").rstrip("/"), missing_ok=True
        )
        payload = body.get("payload") if isinstance(body, dict) else None
        return payload if isinstance(payload, dict) else None

    async def shutdown_task(self, task_id: str) -> None:
        await self._transport.call("POST", self._task(task_id, "shutdown"))

    # --- Supervisors ------------------------------------------------------------------------

    async def submit_supervisor(self, spec: Mapping[str, Any]) -> str:
        """Create the supervisor, or update the one of the same id; its id."""
        body = await self._transport.call("POST", self._overlord + SUPERVISORS, json=spec)
        return str(body["id"])

    async def supervisors(self) -> list[str]:
        body = await self._transport.call("GET", self._overlord + SUPERVISORS)
        return [str(sup_id) for sup_id in body]

    async def supervisor_status(self, supervisor_id: str) -> dict[str, Any]:
        body: dict[str, Any] = await self._transport.call(
            "GET", self._supervisor(supervisor_id, "status")
        )
        return body

    async def supervisor_stats(self, supervisor_id: str) -> dict[str, Any]:
        """Row counters per task group and task (`totals.buildSegments.processed`, …)."""
        body: dict[str, Any] = await self._transport.call(
            "GET", self._supervisor(supervisor_id, "stats")
        )
        return body

    async def suspend_supervisor(self, supervisor_id: str) -> None:
        await self._transport.call("POST", self._supervisor(supervisor_id, "suspend"))

    async def resume_supervisor(self, supervisor_id: str) -> None:
        await self._transport.call("POST", self._supervisor(supervisor_id, "resume"))

    async def reset_supervisor(self, supervisor_id: str) -> None:
        await self._transport.call("POST", self._supervisor(supervisor_id, "reset"))

    async def terminate_supervisor(self, supervisor_id: str) -> None:
        await self._transport.call("POST", self._supervisor(supervisor_id, "terminate"))

    # --- SQL and metadata -------------------------------------------------------------------

    async def sql(
        self,
        query: str,
        parameters: Sequence[SqlParameter] = (),
        *,
        result_format: str = "object",
        context: Mapping[str, Any] | None = None,
        http_timeout: Timeout | None = None,
    ) -> list[Any]:
        """The rows (objects, or arrays with result_format="array"); `?` bound to parameters."""
        body: dict[str, Any] = {
            "query": query,
            "resultFormat": result_format,
            "header": False,
            "parameters": [p.as_json() for p in parameters],
        }
        if context:
            body["context"] = dict(context)
        rows = await self._transport.call(
            "POST", self._router + SQL, json=body, http_timeout=http_timeout
        )
        if not isinstance(rows, list):
            answer = DruidAnswer(200, message=f"not rows: {str(rows)[:200]}")
            raise DruidRefused("POST", self._router + SQL, answer, "answered with no rows")
        return rows

    async def datasource_columns(self, datasource: str, interval: str) -> DatasourceColumns:
        """Dimensions and metrics of the segments in `interval` (ISO `start/end`)."""
        body = await self._transport.call(
            "GET",
            f"{self._router}/druid/v2/datasources/{_segment(datasource)}",
            params={"interval": interval.replace("/", "_")},
        )
        return DatasourceColumns.read(body)

    async def healthy(self) -> bool:
        """Asked once, never retried: a health check must answer now."""
        try:
            body = await self._transport.call(
                "GET", self._router + "/status/health", retry=NO_RETRY, http_timeout=5
            )
        except DruidError:
            return False
        return body is True

    def _task(self, task_id: str, what: str) -> str:
        return f"{self._overlord}{TASKS}/task/{_segment(task_id)}/{what}"

    def _supervisor(self, supervisor_id: str, what: str) -> str:
        return f"{self._overlord}{SUPERVISORS}/{_segment(supervisor_id)}/{what}"


def _segment(name: str) -> str:
    return quote(name, safe="")
