"""Result formats of POST /druid/v2/sql (docs/druid.md#result-formats): object (default), array,
objectLines, arrayLines, csv; with header / typesHeader / sqlTypesHeader."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from mauzo_olap_lite.errors import invalid_input
from mauzo_olap_lite.sql.context import format_timestamp

FORMATS = {"object", "array", "objectlines", "arraylines", "csv"}
MEDIA = {
    "object": "application/json",
    "array": "application/json",
    "objectlines": "text/plain",
    "arraylines": "text/plain",
    "csv": "text/csv",
}


@dataclass(frozen=True)
class ColumnType:
    druid: str  # STRING | LONG | DOUBLE | FLOAT | ...
    sql: str  # VARCHAR | BIGINT | DOUBLE | FLOAT | TIMESTAMP | DATE | BOOLEAN | ...


def column_type(duck: str) -> ColumnType:
    if duck == "VARCHAR":
        return ColumnType("STRING", "VARCHAR")
    if duck in (
        "BIGINT",
        "INTEGER",
        "SMALLINT",
        "TINYINT",
        "HUGEINT",
        "UBIGINT",
        "UINTEGER",
        "USMALLINT",
        "UTINYINT",
        "UHUGEINT",
    ):
        return ColumnType("LONG", "BIGINT")
    if duck == "DOUBLE" or duck.startswith("DECIMAL"):
        return ColumnType("DOUBLE", "DOUBLE")
    if duck in ("FLOAT", "REAL"):
        return ColumnType("FLOAT", "FLOAT")
    if duck.startswith("TIMESTAMP"):
        return ColumnType("LONG", "TIMESTAMP")
    if duck == "DATE":
        return ColumnType("LONG", "DATE")
    if duck == "BOOLEAN":
        return ColumnType("LONG", "BOOLEAN")
    if duck.endswith("[]"):
        inner = column_type(duck[:-2])
        return ColumnType(f"ARRAY<{inner.druid}>", "ARRAY")
    return ColumnType("COMPLEX<json>", "OTHER")


def convert(value: Any, tz: tzinfo | None) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, datetime):
        return format_timestamp(value, tz)
    if isinstance(value, date):
        return format_timestamp(datetime.combine(value, time()), tz)
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent == 0
            else float(value)
        )
    if isinstance(value, list | tuple):
        return json.dumps([convert(v, tz) for v in value])
    return str(value)


# DuckDB hands these over as Python values Druid prints as they are
_PLAIN = frozenset({"VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT"})


def converted_rows(
    rows: list[tuple[Any, ...]], duck_types: list[str], tz: tzinfo | None
) -> list[Sequence[Any]]:
    """Rows in Druid's value forms; only the columns whose type needs it are touched (this runs on
    every result row)."""
    todo = [i for i, t in enumerate(duck_types) if t not in _PLAIN]
    if not todo:
        return list(rows)
    out: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for i in todo:
            values[i] = convert(values[i], tz)
        out.append(values)
    return out


@dataclass
class ResultSet:
    names: list[str]
    types: list[ColumnType]
    rows: list[Sequence[Any]]


def render(result: ResultSet, fmt: str, header: bool, types: bool, sql_types: bool) -> bytes:
    kind = fmt.lower()
    if kind not in FORMATS:
        raise invalid_input(f"Unsupported resultFormat [{fmt}]")
    names = result.names
    if kind in ("object", "objectlines"):
        items: list[Any] = []
        if header:
            if types or sql_types:
                items.append(
                    {
                        n: _type_entry(t, types, sql_types)
                        for n, t in zip(names, result.types, strict=True)
                    }
                )
            else:
                items.append(dict.fromkeys(names))
        items.extend(dict(zip(names, row, strict=True)) for row in result.rows)
        return _json(items, lines=kind == "objectlines")
    heads: list[Sequence[Any]] = []
    if header:
        heads.append(list(names))
        if types:
            heads.append([t.druid for t in result.types])
        if sql_types:
            heads.append([t.sql for t in result.types])
    if kind in ("array", "arraylines"):
        return _json(heads + result.rows, lines=kind == "arraylines")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(heads)
    writer.writerows([["" if v is None else v for v in row] for row in result.rows])
    out.write("\n")
    return out.getvalue().encode()


def _type_entry(t: ColumnType, types: bool, sql_types: bool) -> dict[str, str]:
    entry = {}
    if types:
        entry["type"] = t.druid
    if sql_types:
        entry["sqlType"] = t.sql
    return entry


def _json(items: list[Any], lines: bool) -> bytes:
    if not lines:
        return json.dumps(items, separators=(",", ":"), allow_nan=False).encode()
    body = "".join(json.dumps(i, separators=(",", ":")) + "\n" for i in items)
    return (body + "\n").encode()
