"""Druid's aggregators as DuckDB aggregate expressions.

Distinct counts (cardinality, hyperUnique, thetaSketch, HLLSketch*) are answered exactly: an exact
count lies within any bound Druid's sketches promise, and exact stays the default (olap-lite keeps
no sketches). A `filtered` aggregator is its inner aggregate with DuckDB's FILTER clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.ingest.expressions import expression_sql
from mauzo_olap_lite.ingest.filters import filter_sql
from mauzo_olap_lite.native.errors import bad_query, unsupported
from mauzo_olap_lite.native.table import TIME, Table

_INTEGER = frozenset({"BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT"})
_DISTINCT = frozenset(
    {
        "cardinality",
        "hyperUnique",
        "thetaSketch",
        "HLLSketchBuild",
        "HLLSketchMerge",
        "HLLSketch",
    }
)


@dataclass(frozen=True)
class Aggregate:
    name: str
    sql: str
    empty: str  # the value of an empty bucket (timeseries fills them)


def _input(spec: dict[str, Any], table: Table) -> tuple[str, str]:
    """(SQL, duck type) of an aggregator's input: fieldName or expression."""
    if spec.get("expression"):
        try:
            return f"({expression_sql(str(spec['expression']), table.types)})", "DOUBLE"
        except ValueError as exc:
            raise bad_query(str(exc)) from exc
    field = spec.get("fieldName")
    if not field:
        raise bad_query(f"Missing fieldName in aggregator [{spec.get('name')}]")
    if field == TIME:
        return f"epoch_ms({quote_ident(TIME)})", "BIGINT"
    return quote_ident(str(field)), table.types.get(str(field), "")


def _long(value: str, duck: str) -> str:
    if duck in _INTEGER:
        return value
    # Druid reads a non-integer as a long by truncation, and a string by parsing it
    return f"CAST(trunc(TRY_CAST({value} AS DOUBLE)) AS BIGINT)"


def _typed(kind: str, value: str, duck: str) -> str:
    if kind == "long":
        return _long(value, duck)
    if kind == "float":
        return f"TRY_CAST({value} AS FLOAT)"
    return f"TRY_CAST({value} AS DOUBLE)"


def _call(spec: dict[str, Any], table: Table, where: str) -> tuple[str, str]:
    kind = str(spec.get("type"))
    tail = f" FILTER (WHERE {where})" if where else ""
    if kind == "count":
        return f"count(*){tail}", "0"
    if kind == "filtered":
        inner = spec.get("aggregator") or {}
        try:
            condition = filter_sql(spec.get("filter"), table.types)
        except (ValueError, KeyError) as exc:
            raise bad_query(f"Invalid filter: {exc}") from exc
        return _call(inner, table, f"({where}) AND {condition}" if where else condition)
    if kind in _DISTINCT:
        return _distinct(spec, table, tail), "0"
    for prefix in ("long", "double", "float"):
        if kind.startswith(prefix):
            op = kind[len(prefix) :]
            value, duck = _input(spec, table)
            typed = _typed(prefix, value, duck)
            fn = {"Sum": "sum", "Min": "min", "Max": "max", "Any": "any_value"}.get(op)
            if fn is not None:
                cast = "BIGINT" if prefix == "long" else "DOUBLE"
                return f"CAST({fn}({typed}){tail} AS {cast})", "NULL"
            if op in ("First", "Last"):
                return _first_last(op, typed, spec, tail), "NULL"
    if kind in ("stringFirst", "stringLast", "stringAny"):
        value, _ = _input(spec, table)
        text = f"CAST({value} AS VARCHAR)"
        if kind == "stringAny":
            return f"any_value({text}){tail}", "NULL"
        return _first_last(kind[len("string") :], text, spec, tail), "NULL"
    raise unsupported(f"Aggregator type [{kind}] is not supported")


def _first_last(op: str, value: str, spec: dict[str, Any], tail: str) -> str:
    time_column = quote_ident(str(spec.get("timeColumn") or TIME))
    fn = "arg_min" if op == "First" else "arg_max"
    return f"{fn}({value}, {time_column}){tail}"


def _distinct(spec: dict[str, Any], table: Table, tail: str) -> str:
    fields = spec.get("fields") or ([spec["fieldName"]] if spec.get("fieldName") else [])
    names = [str(f if isinstance(f, str) else f.get("dimension")) for f in fields]
    if not names:
        raise bad_query(f"Missing fields in aggregator [{spec.get('name')}]")
    refs = [quote_ident(n) for n in names]
    if len(refs) == 1:
        if table.is_multi(names[0]):
            return f"len(list_distinct(flatten(list({refs[0]}){tail})))"
        return f"count(DISTINCT {refs[0]}){tail}"
    if spec.get("byRow"):
        # a row of all nulls is not counted, like Druid's byRow hashing of null rows
        row = "row(" + ", ".join(refs) + ")"
        nulls = " AND ".join(f"{r} IS NULL" for r in refs)
        return f"count(DISTINCT CASE WHEN NOT ({nulls}) THEN {row} END){tail}"
    values = "list_concat(" + ", ".join(f"[CAST({r} AS VARCHAR)]" for r in refs) + ")"
    return f"len(list_distinct(flatten(list({values}){tail})))"


def aggregate(spec: Any, table: Table) -> Aggregate:
    if not isinstance(spec, dict) or not spec.get("name"):
        raise bad_query("An aggregator needs a type and a name")
    sql, empty = _call(spec, table, "")
    return Aggregate(str(spec["name"]), sql, empty)


def aggregates(raw: Any, table: Table) -> list[Aggregate]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_query("aggregations must be a list")
    return [aggregate(spec, table) for spec in raw]
