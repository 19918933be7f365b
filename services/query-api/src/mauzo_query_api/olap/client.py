"""query-api's SQL over the shared Druid client: exact-count context, query ids, timeouts, and
what a client may be told when the OLAP fails.

Druid's error answer is logged with the query id; callers get a QueryError with a safe message.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from mauzo_common.druid.client import DruidClient, SqlParameter
from mauzo_common.druid.errors import DruidError
from mauzo_query_api.errors import OlapFailed, OlapTimeout, OlapUnavailable, QueryError
from mauzo_query_api.scope import BranchScope

log = structlog.get_logger(__name__)

Row = dict[str, Any]
Param = SqlParameter  # the name every statement module binds its values with


@dataclass(frozen=True)
class SqlQuery:
    """SQL text with `?` placeholders, its parameters, the datasource it reads (for caching),
    and the branch scope it was built under (None: not a question about rows, e.g. the
    catalog's). `Ask.rows` runs only statements built under the caller's own scope."""

    text: str
    params: tuple[Param, ...] = ()
    datasource: str = ""
    scope: BranchScope | None = None


class DruidSqlClient:
    def __init__(self, druid: DruidClient, *, timeout_ms: int) -> None:
        self.druid = druid
        self.timeout_ms = timeout_ms
        self._sequence = itertools.count(1)

    def context(self, query_id: str) -> dict[str, Any]:
        return {
            "sqlQueryId": query_id,
            "useApproximateCountDistinct": False,
            "useGroupingSetForExactDistinct": True,
            "useApproximateTopN": False,
            "timeout": self.timeout_ms,
        }

    async def execute(self, query: SqlQuery, request_id: str) -> list[Row]:
        """Run one statement; its sqlQueryId is the request id plus a sequence number, unique
        even when one request runs several statements at once (Druid refuses duplicates)."""
        query_id = f"{request_id}-{next(self._sequence)}"
        try:
            return await self.druid.sql(
                query.text,
                query.params,
                context=self.context(query_id),
                http_timeout=httpx.Timeout(self.timeout_ms / 1000 + 5, connect=5),
            )
        except DruidError as exc:
            raise _query_error(exc, query_id) from exc

    async def healthy(self) -> bool:
        return await self.druid.healthy()


def _query_error(error: DruidError, query_id: str) -> QueryError:
    answer = error.answer
    if answer.status == 0:
        log.warning("olap_unreachable", query_id=query_id, error=answer.message)
        if answer.timed_out:
            return OlapTimeout("the analytics store did not answer in time")
        return OlapUnavailable("the analytics store is not reachable")
    log.error(
        "olap_query_failed",
        query_id=query_id,
        status=answer.status,
        error=answer.error,
        error_code=answer.error_code,
        category=answer.category,
        message=answer.message,
    )
    if answer.status < 400:
        return OlapFailed("the analytics store sent an unexpected answer")
    if answer.timed_out:
        return OlapTimeout("the query took longer than the allowed time")
    if answer.busy:
        return OlapUnavailable("the analytics store is busy; try again shortly")
    return OlapFailed("the analytics store could not answer this question")
