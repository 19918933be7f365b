"""The datasource a native query reads: its DuckDB table, column types and used segments.

Druid reads a column a segment does not have as null; so does `Table`, for the names in
`missing` (the engine adds a name there when DuckDB reports it unknown, then retries).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import duckdb

from mauzo_olap_lite.catalog import Column, columns_of
from mauzo_olap_lite.database import META, quote_ident
from mauzo_olap_lite.native.errors import bad_query, unsupported

TIME = "__time"
# The row's time under the name the shared filters and expressions (ingest/) read it by.
ROW_TIME = "__olap_ts"


@dataclass(frozen=True)
class Segment:
    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    segments: tuple[Segment, ...]
    missing: tuple[str, ...] = ()
    virtual: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (sql, duck type)

    @property
    def types(self) -> dict[str, str]:
        known = {c.name: c.duck_type for c in self.columns}
        known.update({name: duck for name, (_, duck) in self.virtual.items()})
        return known

    def is_multi(self, name: str) -> bool:
        return self.types.get(name, "").endswith("[]")

    def with_missing(self, name: str) -> Table:
        return replace(self, missing=(*self.missing, name))

    def source_sql(self) -> str:
        """The rows as a subquery: the table, the time under ROW_TIME, the missing columns as
        nulls and the virtual columns (which may read all of these)."""
        nulls = "".join(f", NULL AS {quote_ident(n)}" for n in self.missing)
        base = (
            f"SELECT *, {quote_ident(TIME)} AS {quote_ident(ROW_TIME)}{nulls} "
            f"FROM {quote_ident(self.name)}"
        )
        if not self.virtual:
            return f"({base})"
        extra = ", ".join(f"({sql}) AS {quote_ident(n)}" for n, (sql, _) in self.virtual.items())
        return f"(SELECT *, {extra} FROM ({base}))"


def datasource_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "table" and isinstance(value.get("name"), str):
            return str(value["name"])
        raise unsupported(f"dataSource of type [{kind}] is not supported")
    raise bad_query("Missing required property 'dataSource'")


def open_table(cur: duckdb.DuckDBPyConnection, name: str) -> Table | None:
    columns = columns_of(cur, name)
    if not columns:
        return None
    rows = cur.execute(
        f"SELECT id, start_ts, end_ts FROM {META}.segments WHERE datasource = ? AND used "
        "ORDER BY start_ts, partition_num",
        [name],
    ).fetchall()
    if not rows:
        return None
    segments = tuple(Segment(str(r[0]), r[1], r[2]) for r in rows)
    return Table(name, tuple(columns), segments)
