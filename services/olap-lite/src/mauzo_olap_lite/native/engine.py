"""Runs a native query: parse, translate, execute under the query id (timeout, cancellation),
shape the result.

A column the datasource does not have reads as null, as in Druid: when DuckDB names an unknown
column, the query is built again with that column as a null and run again.
"""

from __future__ import annotations

import re
from typing import Any

from mauzo_olap_lite.database import Database
from mauzo_olap_lite.errors import DruidError
from mauzo_olap_lite.native.context import NativeContext, parse_context
from mauzo_olap_lite.native.errors import bad_query, from_druid
from mauzo_olap_lite.native.query import scope
from mauzo_olap_lite.native.registry import QUERY_TYPES
from mauzo_olap_lite.native.table import Table, datasource_name, open_table
from mauzo_olap_lite.sql.engine import RawResult, SqlEngine

# DuckDB names an unknown column either way (the second when an output alias shares its name)
_MISSING = re.compile(
    r"^Column '(.+)' not found in any table$|^Alias with name \"+([^\"]+)\"+ exists"
)
MAX_MISSING_COLUMNS = 64


class NativeEngine:
    def __init__(self, db: Database, sql: SqlEngine, default_timeout_ms: int) -> None:
        self._db = db
        self._sql = sql
        self._default_timeout_ms = default_timeout_ms

    def context(self, query: dict[str, Any]) -> NativeContext:
        return parse_context(query.get("context"), self._default_timeout_ms)

    def cancel(self, query_id: str) -> bool:
        return self._sql.cancel(query_id)

    def execute(self, query: dict[str, Any], ctx: NativeContext) -> list[Any]:
        kind = query.get("queryType")
        if kind not in QUERY_TYPES:
            raise bad_query(f"Could not resolve type id '{kind}' as a subtype of Query")
        runner, intervals_required = QUERY_TYPES[str(kind)]
        table = open_table(self._db.thread_cursor(), datasource_name(query.get("dataSource")))
        if table is None:
            # Druid answers a query over a datasource without segments with no rows
            return []
        for _ in range(MAX_MISSING_COLUMNS):
            parsed = scope(query, table, ctx, intervals_required=intervals_required)
            try:
                return runner(parsed, lambda sql: self._run(sql, ctx))
            except DruidError as exc:
                missing = _MISSING.match(exc.message)
                if missing is None:
                    raise from_druid(exc) from exc
                table = _with_missing(table, missing.group(1) or missing.group(2))
        raise bad_query("Too many unknown columns")

    def _run(self, sql: str, ctx: NativeContext) -> RawResult:
        return self._sql.run_raw(sql, [], ctx.timeout_ms, ctx.query_id)


def _with_missing(table: Table, name: str) -> Table:
    if name in table.missing:
        raise bad_query(f"Column [{name}] cannot be read")
    return table.with_missing(name)
