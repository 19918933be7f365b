"""The datasources and their real columns, read from INFORMATION_SCHEMA and kept for a short while.

Every identifier the API puts into SQL (datasource, dimension, metric) is checked here first: a
name that is not a real column of the datasource never reaches the query text.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from mauzo_common.sales_model import TIME
from mauzo_query_api.errors import UnknownColumn, UnknownDatasource
from mauzo_query_api.olap.client import DruidSqlClient, Param, SqlQuery

TIME_COLUMN = TIME
NUMERIC_TYPES = frozenset({"BIGINT", "DOUBLE", "FLOAT", "DECIMAL", "INTEGER", "REAL", "SMALLINT"})

COLUMNS_SQL = (
    "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
    "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
)
TABLES_SQL = "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ?"


def quote_identifier(name: str) -> str:
    """Druid SQL identifier quoting; only ever applied to names checked against the catalog."""
    return '"' + name.replace('"', '""') + '"'


def column_role(name: str, sql_type: str) -> str:
    if name == TIME_COLUMN:
        return "time"
    return "metric" if sql_type.upper() in NUMERIC_TYPES else "dimension"


@dataclass(frozen=True)
class DatasourceSchema:
    """A datasource's columns as the OLAP reports them: name -> SQL type."""

    name: str
    columns: Mapping[str, str] = field(default_factory=dict)

    def has(self, column: str) -> bool:
        return column in self.columns

    def column(self, column: str) -> str:
        """The quoted identifier of a real column, or UnknownColumn."""
        if column not in self.columns:
            raise UnknownColumn(f"datasource {self.name!r} has no column {column!r}")
        return quote_identifier(column)

    @property
    def table(self) -> str:
        return quote_identifier(self.name)


class Catalog:
    def __init__(self, olap: DruidSqlClient, *, ttl_seconds: float) -> None:
        self.olap = olap
        self.ttl = ttl_seconds
        self._schemas: dict[str, tuple[float, DatasourceSchema]] = {}
        self._loading: dict[str, asyncio.Future[DatasourceSchema]] = {}

    async def schema(self, datasource: str, request_id: str) -> DatasourceSchema:
        cached = self._schemas.get(datasource)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        pending = self._loading.get(datasource)
        if pending is None:
            pending = asyncio.ensure_future(self._load(datasource, request_id))
            self._loading[datasource] = pending
            pending.add_done_callback(lambda _: self._loading.pop(datasource, None))
        return await asyncio.shield(pending)

    async def _load(self, datasource: str, request_id: str) -> DatasourceSchema:
        query = SqlQuery(COLUMNS_SQL, (Param("VARCHAR", "druid"), Param("VARCHAR", datasource)))
        rows = await self.olap.execute(query, request_id)
        if not rows:
            self._schemas.pop(datasource, None)
            raise UnknownDatasource(f"datasource {datasource!r} does not exist or holds no data")
        schema = DatasourceSchema(
            datasource, {str(r["COLUMN_NAME"]): str(r["DATA_TYPE"]).upper() for r in rows}
        )
        self._schemas[datasource] = (time.monotonic(), schema)
        return schema

    async def names(self, request_id: str) -> list[str]:
        query = SqlQuery(TABLES_SQL, (Param("VARCHAR", "druid"),))
        rows = await self.olap.execute(query, request_id)
        return sorted(str(row["TABLE_NAME"]) for row in rows)

    def invalidate(self, datasource: str) -> None:
        self._schemas.pop(datasource, None)
