"""Datasource schemas: the DuckDB table of each datasource and its column roles (olap_meta.columns).

A datasource is queryable while it has used segments; when its last segment is marked unused its
table is dropped, so SQL answers "Object not found" like Druid's broker does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import duckdb

from mauzo_olap_lite.database import META, quote_ident

_WIDER = {
    frozenset({"BIGINT", "DOUBLE"}): "DOUBLE",
    frozenset({"BIGINT", "FLOAT"}): "DOUBLE",
    frozenset({"FLOAT", "DOUBLE"}): "DOUBLE",
    frozenset({"VARCHAR", "VARCHAR[]"}): "VARCHAR[]",
}
DRUID_OF = {
    "VARCHAR": "STRING",
    "BIGINT": "LONG",
    "DOUBLE": "DOUBLE",
    "FLOAT": "FLOAT",
    "TIMESTAMP": "LONG",
}


class ColumnLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def duck_type(self) -> str: ...


@dataclass(frozen=True)
class Column:
    name: str
    role: str  # time | dimension | metric
    duck_type: str

    @property
    def druid_type(self) -> str:
        return DRUID_OF.get(self.duck_type, "STRING")


def ensure_table(
    cur: duckdb.DuckDBPyConnection, datasource: str, columns: Sequence[ColumnLike]
) -> list[str]:
    """Create the table or add/widen columns so that the new rows fit. Returns the string
    columns the new rows must wrap in a one-value list (the table holds them as multi-value)."""
    table = quote_ident(datasource)
    existing = {c.name: c for c in columns_of(cur, datasource)}
    if not existing:
        defs = ['"__time" TIMESTAMP NOT NULL'] + [
            f"{quote_ident(c.name)} {c.duck_type}" for c in columns
        ]
        cur.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(defs)})")
        _record(cur, datasource, [Column("__time", "time", "TIMESTAMP")], 0)
        _record(cur, datasource, [Column(c.name, c.role, c.duck_type) for c in columns], 1)
        return []
    added = []
    wrap = []
    for c in columns:
        old = existing.get(c.name)
        if old is None:
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {quote_ident(c.name)} {c.duck_type}")
            added.append(Column(c.name, c.role, c.duck_type))
        elif old.duck_type != c.duck_type:
            wider = _WIDER.get(frozenset({old.duck_type, c.duck_type}), "VARCHAR")
            if wider == "VARCHAR[]" and c.duck_type == "VARCHAR":
                wrap.append(c.name)
            if wider != old.duck_type:
                ref = quote_ident(c.name)
                using = f" USING CASE WHEN {ref} IS NOT NULL THEN [{ref}] END"
                cur.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {ref} TYPE {wider}"
                    + (using if wider == "VARCHAR[]" else "")
                )
                cur.execute(
                    f"UPDATE {META}.columns SET duck_type = ? WHERE datasource = ? AND name = ?",
                    [wider, datasource, c.name],
                )
    _record(cur, datasource, added, len(existing))
    return wrap


def _record(
    cur: duckdb.DuckDBPyConnection, datasource: str, columns: list[Column], first: int
) -> None:
    for offset, c in enumerate(columns):
        cur.execute(
            f"INSERT INTO {META}.columns VALUES (?, ?, ?, ?, ?)",
            [datasource, c.name, c.role, c.duck_type, first + offset],
        )


def columns_of(cur: duckdb.DuckDBPyConnection, datasource: str) -> list[Column]:
    rows = cur.execute(
        f"SELECT name, role, duck_type FROM {META}.columns WHERE datasource = ? ORDER BY position",
        [datasource],
    ).fetchall()
    return [Column(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def datasources(cur: duckdb.DuckDBPyConnection) -> list[str]:
    rows = cur.execute(
        f"SELECT DISTINCT datasource FROM {META}.segments WHERE used ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def multi_value_columns(cur: duckdb.DuckDBPyConnection) -> dict[str, frozenset[str]]:
    """Datasource -> its multi-value string dimensions (stored as VARCHAR[])."""
    rows = cur.execute(
        f"SELECT datasource, list(name) FROM {META}.columns WHERE duck_type = 'VARCHAR[]' "
        "GROUP BY 1"
    ).fetchall()
    return {str(r[0]): frozenset(str(n) for n in r[1]) for r in rows}


def drop_if_unused(cur: duckdb.DuckDBPyConnection, datasource: str) -> None:
    left = cur.execute(
        f"SELECT count(*) FROM {META}.segments WHERE datasource = ? AND used", [datasource]
    ).fetchone()
    if left and left[0] == 0:
        cur.execute(f"DROP TABLE IF EXISTS {quote_ident(datasource)}")
        cur.execute(f"DELETE FROM {META}.columns WHERE datasource = ?", [datasource])
