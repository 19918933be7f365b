"""transformSpec.filter: Druid's JSON filters as a SQL condition over the parsed row.

Druid matches `selector`/`in`/`bound`/`like`/`regex` against the string form of a value;
`equals`/`range`/`null` are typed. Nulls follow SQL three-valued logic, and a row is kept only
when the filter is true.
"""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.ingest.expressions import expression_sql


def _text(dimension: str) -> str:
    if dimension == "__time":
        return 'CAST(epoch_ms("__olap_ts") AS VARCHAR)'
    return f"CAST({quote_ident(dimension)} AS VARCHAR)"


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return quote_str(str(value))


def _bound(f: dict[str, Any]) -> str:
    ordering = str(f.get("ordering") or "lexicographic").lower()
    numeric = ordering == "numeric" or ordering == "version"
    value = _text(f["dimension"])
    if numeric:
        value = f"TRY_CAST({value} AS DOUBLE)"
    parts = []
    for key, strict_key, op, strict_op in (
        ("lower", "lowerStrict", ">=", ">"),
        ("upper", "upperStrict", "<=", "<"),
    ):
        if f.get(key) is None:
            continue
        bound = (
            f"TRY_CAST({quote_str(str(f[key]))} AS DOUBLE)" if numeric else _literal(str(f[key]))
        )
        parts.append(f"{value} {strict_op if f.get(strict_key) else op} {bound}")
    return "(" + (" AND ".join(parts) or f"{value} IS NOT NULL") + ")"


def _range(f: dict[str, Any]) -> str:
    column = quote_ident(f["column"])
    kind = str(f.get("matchValueType") or "STRING").upper()
    cast = {"LONG": "BIGINT", "DOUBLE": "DOUBLE", "FLOAT": "FLOAT"}.get(kind, "VARCHAR")
    value = f"TRY_CAST({column} AS {cast})"
    parts = []
    if f.get("lower") is not None:
        parts.append(
            f"{value} {'>' if f.get('lowerOpen') else '>='} CAST({_literal(f['lower'])} AS {cast})"
        )
    if f.get("upper") is not None:
        parts.append(
            f"{value} {'<' if f.get('upperOpen') else '<='} CAST({_literal(f['upper'])} AS {cast})"
        )
    return "(" + (" AND ".join(parts) or f"{value} IS NOT NULL") + ")"


def filter_sql(f: dict[str, Any] | None, types: dict[str, str] | None = None) -> str:
    if f is None:
        return "TRUE"
    kind = f.get("type")
    if kind == "selector":
        if f.get("value") is None:
            return f"({quote_ident(f['dimension'])} IS NULL)"
        return f"({_text(f['dimension'])} = {_literal(str(f['value']))})"
    if kind == "in":
        values = f.get("values") or []
        present = [_literal(str(v)) for v in values if v is not None]
        parts = [f"{_text(f['dimension'])} IN ({', '.join(present)})"] if present else []
        if any(v is None for v in values):
            parts.append(f"{quote_ident(f['dimension'])} IS NULL")
        return "(" + (" OR ".join(parts) or "FALSE") + ")"
    if kind == "bound":
        return _bound(f)
    if kind == "like":
        escape = f.get("escape")
        tail = f" ESCAPE {_literal(escape)}" if escape else ""
        return f"({_text(f['dimension'])} LIKE {_literal(f['pattern'])}{tail})"
    if kind == "regex":
        return f"regexp_matches({_text(f['dimension'])}, {_literal(f['pattern'])})"
    if kind == "not":
        return f"(NOT {filter_sql(f['field'], types)})"
    if kind in ("and", "or"):
        joined = f" {kind.upper()} ".join(filter_sql(x, types) for x in f.get("fields") or [])
        return f"({joined or ('TRUE' if kind == 'and' else 'FALSE')})"
    if kind == "expression":
        return f"CAST({expression_sql(str(f['expression']), types)} AS BOOLEAN)"
    if kind == "equals":
        return f"({quote_ident(f['column'])} = {_literal(f['matchValue'])})"
    if kind == "null":
        return f"({quote_ident(f['column'])} IS NULL)"
    if kind == "range":
        return _range(f)
    if kind == "true":
        return "TRUE"
    if kind == "false":
        return "FALSE"
    raise ValueError(f"Unsupported filter type [{kind}]")
