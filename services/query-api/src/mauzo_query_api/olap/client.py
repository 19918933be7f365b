"""The Druid SQL client: POST /druid/v2/sql with bound parameters, exact-count context, timeouts.

It speaks only Druid's documented HTTP API, so the same calls work on olap-lite and a Druid router.
Druid's error body is logged with the query id; callers get a QueryError with a safe message.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from mauzo_query_api.errors import OlapFailed, OlapTimeout, OlapUnavailable, QueryError

log = structlog.get_logger(__name__)

Row = dict[str, Any]


@dataclass(frozen=True)
class Param:
    """One positional `?` value with its Druid SQL type (VARCHAR, TIMESTAMP, DOUBLE, BIGINT)."""

    type: str
    value: str | int | float

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value}


@dataclass(frozen=True)
class SqlQuery:
    """SQL text with `?` placeholders, its parameters, and the datasource it reads (for caching)."""

    text: str
    params: tuple[Param, ...] = ()
    datasource: str = ""


class DruidSqlClient:
    def __init__(self, router_url: str, *, timeout_ms: int, client: httpx.AsyncClient) -> None:
        self.url = f"{router_url.rstrip('/')}/druid/v2/sql"
        self.status_url = f"{router_url.rstrip('/')}/status/health"
        self.timeout_ms = timeout_ms
        self.client = client
        self._sequence = itertools.count(1)

    def request_body(self, query: SqlQuery, query_id: str) -> dict[str, Any]:
        return {
            "query": query.text,
            "resultFormat": "object",
            "header": False,
            "parameters": [param.as_json() for param in query.params],
            "context": {
                "sqlQueryId": query_id,
                "useApproximateCountDistinct": False,
                "useGroupingSetForExactDistinct": True,
                "useApproximateTopN": False,
                "timeout": self.timeout_ms,
            },
        }

    async def execute(self, query: SqlQuery, request_id: str) -> list[Row]:
        """Run one statement; its sqlQueryId is the request id plus a sequence number, unique
        even when one request runs several statements at once (Druid refuses duplicates)."""
        query_id = f"{request_id}-{next(self._sequence)}"
        body = self.request_body(query, query_id)
        timeout = httpx.Timeout(self.timeout_ms / 1000 + 5, connect=5)
        try:
            response = await self.client.post(self.url, json=body, timeout=timeout)
        except httpx.TimeoutException as exc:
            log.warning("olap_timeout", query_id=query_id)
            raise OlapTimeout("the analytics store did not answer in time") from exc
        except httpx.HTTPError as exc:
            log.warning("olap_unreachable", query_id=query_id, error=repr(exc))
            raise OlapUnavailable("the analytics store is not reachable") from exc
        if response.status_code != 200:
            raise self._error(response, query_id)
        rows = response.json()
        if not isinstance(rows, list):
            raise OlapFailed("the analytics store sent an unexpected answer")
        return rows

    async def healthy(self) -> bool:
        try:
            response = await self.client.get(self.status_url, timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.text.strip() == "true"

    def _error(self, response: httpx.Response, query_id: str) -> QueryError:
        try:
            body = response.json()
        except ValueError:
            body = {"errorMessage": response.text[:500]}
        if not isinstance(body, dict):
            body = {"errorMessage": str(body)[:500]}
        log.error(
            "olap_query_failed",
            query_id=query_id,
            status=response.status_code,
            error=body.get("error"),
            error_code=body.get("errorCode"),
            category=body.get("category"),
            message=body.get("errorMessage"),
        )
        category = str(body.get("category") or "")
        legacy = str(body.get("error") or "")
        if response.status_code == 504 or category == "TIMEOUT" or legacy == "Query timeout":
            return OlapTimeout("the query took longer than the allowed time")
        busy = category in ("CAPACITY_EXCEEDED", "SERVICE_UNAVAILABLE")
        if response.status_code in (429, 503) or busy:
            return OlapUnavailable("the analytics store is busy; try again shortly")
        return OlapFailed("the analytics store could not answer this question")
