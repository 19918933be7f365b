"""Runs Druid SQL on DuckDB: translation cache, parameters, timeout, cancellation, error mapping."""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import duckdb

from mauzo_olap_lite.catalog import datasources, multi_value_columns
from mauzo_olap_lite.database import Database, transaction
from mauzo_olap_lite.errors import (
    DruidError,
    UnknownObject,
    invalid_input,
    query_cancelled,
    query_timeout,
    runtime_failure,
)
from mauzo_olap_lite.sql.context import QueryContext, parse_context, zone_info
from mauzo_olap_lite.sql.parameters import bind_value
from mauzo_olap_lite.sql.results import ResultSet, column_type, converted_rows
from mauzo_olap_lite.sql.translate import Translation, translate
from mauzo_olap_lite.sql.watchdog import Watchdog

CACHE_SIZE = 512
_COLUMN_MISSING = re.compile(r'Referenced column "([^"]+)" not found')


@dataclass(frozen=True)
class RawResult:
    names: list[str]
    duck_types: list[str]
    rows: list[tuple[Any, ...]]


@dataclass
class _Running:
    cursor: duckdb.DuckDBPyConnection
    reason: str | None = None
    active: bool = True


class SqlEngine:
    def __init__(self, db: Database, default_timeout_ms: int) -> None:
        self._db = db
        self._default_timeout_ms = default_timeout_ms
        self._cache: OrderedDict[tuple[Any, ...], Translation] = OrderedDict()
        self._inline_positions: dict[tuple[Any, ...], tuple[int, ...]] = {}
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()
        self._datasources: dict[str, frozenset[str]] | None = None
        self._watchdog = Watchdog()
        self._refreshers: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {}
        self._refresh_lock = threading.Lock()

    def refresh_before(
        self, view: str, refresh: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        """Run `refresh` (in its own transaction) before every query that reads `view`: for system
        tables over live state (sys.supervisors)."""
        self._refreshers[view] = refresh

    def invalidate(self) -> None:
        """The set of datasources or their schemas changed."""
        with self._lock:
            self._datasources = None
            self._cache.clear()
            self._inline_positions.clear()

    def appended(self, datasource: str) -> None:
        """Rows were appended to `datasource` (a stream's micro-batch, every fraction of a
        second): translations depend only on the datasources and their multi-value columns, so
        they stay good unless the datasource is new or one of its columns became multi-value.
        Dropping them after every micro-batch made each query of a streamed datasource parse
        and plan its SQL again."""
        with self._lock:
            known = self._datasources
        if known is None:
            return
        multi = multi_value_columns(self._db.thread_cursor()).get(datasource, frozenset())
        if known.get(datasource) != multi:
            self.invalidate()

    def datasources(self) -> dict[str, frozenset[str]]:
        """Datasource -> its multi-value string columns."""
        with self._lock:
            known = self._datasources
        if known is None:
            cur = self._db.thread_cursor()
            multi = multi_value_columns(cur)
            known = {ds: multi.get(ds, frozenset()) for ds in datasources(cur)}
            with self._lock:
                self._datasources = known
        return known

    def context(self, body: dict[str, Any]) -> QueryContext:
        return parse_context(body.get("context"), self._default_timeout_ms)

    def execute(self, body: dict[str, Any], ctx: QueryContext, query_id: str) -> ResultSet:
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            raise invalid_input("Query must not be empty")
        params = body.get("parameters") or []
        if not isinstance(params, list):
            raise invalid_input("parameters must be a list")
        translation = self._translation(query, ctx, params)
        values = [bind_value(params[i], ctx.time_zone) for i in translation.bind]
        for view, refresh in list(self._refreshers.items()):
            if f'"{view}"' in translation.sql:
                self._refresh(refresh)
        return self._run(translation.sql, values, ctx, query_id)

    def _refresh(self, refresh: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        with self._refresh_lock, closing(self._db.cursor()) as cur, transaction(cur):
            refresh(cur)

    def cancel(self, query_id: str) -> bool:
        with self._lock:
            running = self._running.get(query_id)
            if running is None or not running.active:
                return False
            running.reason = "cancelled"
            running.cursor.interrupt()
        return True

    def _translation(self, query: str, ctx: QueryContext, params: list[Any]) -> Translation:
        # the exact-distinct flags decide whether a query is refused, so they belong to the key
        base = (
            query,
            ctx.time_zone,
            ctx.exact_count_distinct,
            ctx.grouping_set_for_exact_distinct,
            len(params),
        )
        positions = self._inline_positions.get(base)
        if positions is not None:
            key = (*base, tuple(_raw(params[i]) for i in positions))
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        try:
            translation = translate(query, self.datasources(), ctx, params)
        except UnknownObject:
            with self._lock:  # a datasource may have been published since the set was read
                self._datasources = None
            translation = translate(query, self.datasources(), ctx, params)
        positions = tuple(sorted(translation.inlined))
        key = (*base, tuple(_raw(params[i]) for i in positions))
        with self._lock:
            self._inline_positions[base] = positions
            self._cache[key] = translation
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return translation

    def _run(self, sql: str, values: list[Any], ctx: QueryContext, query_id: str) -> ResultSet:
        raw = self.run_raw(sql, values, ctx.timeout_ms, query_id, ctx.time_zone)
        types = [column_type(t) for t in raw.duck_types]
        rows = converted_rows(raw.rows, raw.duck_types, zone_info(ctx.time_zone))
        return ResultSet(raw.names, types, rows)

    def run_raw(
        self,
        sql: str,
        values: list[Any],
        timeout_ms: int | None,
        query_id: str,
        time_zone: str = "UTC",
    ) -> RawResult:
        """Run DuckDB SQL under the query id (cancellable, with the timeout); DuckDB's values."""
        cur = self._db.thread_cursor()
        running = _Running(cur)
        with self._lock:
            if query_id in self._running:
                raise invalid_input(f"A query with sqlQueryId [{query_id}] is already running")
            self._running[query_id] = running
        timer = None
        if timeout_ms is not None and timeout_ms > 0:
            timer = self._watchdog.schedule(timeout_ms / 1000, lambda: self._expire(query_id))
        try:
            rel = cur.execute(sql, values)
            description = rel.description or []
            if any(str(d[1]).startswith("TIMESTAMP WITH TIME ZONE") for d in description):
                rel = cur.execute(_naive_wrapper(sql, description, time_zone), values)
                description = rel.description or []
            rows = rel.fetchall()
            if running.reason is not None:  # the interrupt arrived before DuckDB started
                raise duckdb.InterruptException("interrupted")
        except duckdb.InterruptException as exc:
            if running.reason == "timeout":
                raise query_timeout(
                    f"Query [{query_id}] timed out after [{timeout_ms}] ms"
                ) from exc
            raise query_cancelled(query_id) from exc
        except duckdb.Error as exc:
            raise _map_error(exc) from exc
        finally:
            if timer is not None:
                self._watchdog.cancel(timer)
            with self._lock:
                running.active = False
                self._running.pop(query_id, None)
        names = [str(d[0]) for d in description]
        return RawResult(names, [str(d[1]) for d in description], rows)

    def _expire(self, query_id: str) -> None:
        with self._lock:
            running = self._running.get(query_id)
            if running is not None and running.active:
                running.reason = "timeout"
                running.cursor.interrupt()


def new_query_id() -> str:
    return str(uuid.uuid4())


def _raw(param: Any) -> str:
    return repr(param.get("value")) if isinstance(param, dict) else repr(param)


def _naive_wrapper(sql: str, description: list[Any], tz: str) -> str:
    parts = []
    for d in description:
        name = '"' + str(d[0]).replace('"', '""') + '"'
        if str(d[1]).startswith("TIMESTAMP WITH TIME ZONE"):
            parts.append(f"timezone('{tz}', {name}) AS {name}")
        else:
            parts.append(name)
    return f"SELECT {', '.join(parts)} FROM ({sql})"


def _map_error(exc: duckdb.Error) -> DruidError:
    message = str(exc).split("\n")[0]
    for prefix in (
        "Binder Error: ",
        "Catalog Error: ",
        "Parser Error: ",
        "Conversion Error: ",
        "Invalid Input Error: ",
        "Out of Range Error: ",
    ):
        message = message.removeprefix(prefix)
    if isinstance(exc, duckdb.BinderException):
        missing = _COLUMN_MISSING.search(message)
        if missing:
            return invalid_input(f"Column '{missing.group(1)}' not found in any table")
        return invalid_input(message)
    if isinstance(exc, duckdb.CatalogException):
        return invalid_input(
            message.replace("Scalar Function with name", "No match found for function")
        )
    if isinstance(
        exc, duckdb.ParserException | duckdb.ConversionException | duckdb.InvalidInputException
    ):
        return invalid_input(message)
    return runtime_failure(message)
