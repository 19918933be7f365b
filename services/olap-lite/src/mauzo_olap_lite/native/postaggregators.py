"""Druid's post-aggregators as SQL over the aggregated row.

A post-aggregator may read aggregators and earlier post-aggregators by name; each name is inlined
as its expression, so one SELECT computes all of them in order. Arithmetic is in doubles, and `/`
answers 0 for a zero divisor (Druid's rule; `quotient` divides plainly).
"""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.ingest.expressions import expression_sql
from mauzo_olap_lite.native.errors import bad_query, unsupported

_ACCESS = frozenset(
    {
        "fieldAccess",
        "finalizingFieldAccess",
        "hyperUniqueCardinality",
        "thetaSketchEstimate",
        "HLLSketchEstimate",
    }
)
_GREATEST = {
    "doubleGreatest": ("greatest", "DOUBLE"),
    "longGreatest": ("greatest", "BIGINT"),
    "doubleLeast": ("least", "DOUBLE"),
    "longLeast": ("least", "BIGINT"),
}


def _double(sql: str) -> str:
    return f"CAST({sql} AS DOUBLE)"


def _arithmetic(fn: str, parts: list[str]) -> str:
    if fn == "/":
        out = parts[0]
        for p in parts[1:]:
            out = f"(CASE WHEN {p} = 0 THEN 0.0 ELSE {out} / {p} END)"
        return out
    if fn == "quotient":
        return "(" + " / ".join(parts) + ")"
    if fn == "pow":
        out = parts[0]
        for p in parts[1:]:
            out = f"pow({out}, {p})"
        return out
    if fn in ("+", "-", "*"):
        return "(" + f" {fn} ".join(parts) + ")"
    raise unsupported(f"Arithmetic function [{fn}] is not supported")


def _one(spec: dict[str, Any], known: dict[str, str], types: dict[str, str]) -> str:
    kind = str(spec.get("type"))
    if kind in _ACCESS:
        field = str(spec.get("fieldName") or (spec.get("field") or {}).get("fieldName", ""))
        if field not in known:
            raise bad_query(f"Unknown field [{field}] in post-aggregator [{spec.get('name')}]")
        return known[field]
    if kind == "constant":
        return repr(spec.get("value"))
    fields = [_one(f, known, types) for f in spec.get("fields") or []]
    if kind == "arithmetic":
        if len(fields) < 2:
            raise bad_query("An arithmetic post-aggregator needs two fields or more")
        return _arithmetic(str(spec.get("fn")), [_double(f) for f in fields])
    if kind in _GREATEST:
        fn, cast = _GREATEST[kind]
        return f"CAST({fn}({', '.join(fields)}) AS {cast})"
    if kind == "expression":
        text = str(spec.get("expression"))
        try:
            sql = expression_sql(text, types)
        except ValueError as exc:
            raise bad_query(str(exc)) from exc
        for name, expr in known.items():
            sql = sql.replace(quote_ident(name), f"({expr})")
        return sql
    raise unsupported(f"Post-aggregator type [{kind}] is not supported")


def post_aggregates(
    raw: Any, aggregate_names: list[str], types: dict[str, str]
) -> list[tuple[str, str]]:
    """(name, SQL) of each post-aggregator, over columns named like the aggregators."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_query("postAggregations must be a list")
    known = {name: quote_ident(name) for name in aggregate_names}
    out = []
    for spec in raw:
        if not isinstance(spec, dict) or not spec.get("name"):
            raise bad_query("A post-aggregator needs a type and a name")
        sql = _one(spec, known, types)
        known[str(spec["name"])] = f"({sql})"
        out.append((str(spec["name"]), sql))
    return out
