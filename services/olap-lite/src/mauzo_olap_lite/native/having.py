"""groupBy having specs (Druid's querying/having.md) as a condition over the result row:
greaterThan, lessThan, equalTo, dimSelector, filter, and, or, not, always, never."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.ingest.filters import filter_sql
from mauzo_olap_lite.native.errors import bad_query

_COMPARE = {"greaterThan": ">", "lessThan": "<", "equalTo": "="}


def having_sql(spec: Any) -> str:
    if spec is None:
        return "TRUE"
    if not isinstance(spec, dict):
        raise bad_query("having must be an object")
    kind = str(spec.get("type"))
    if kind in _COMPARE:
        column = quote_ident(str(spec.get("aggregation")))
        return f"(CAST({column} AS DOUBLE) {_COMPARE[kind]} {float(spec['value'])!r})"
    if kind == "dimSelector":
        column = quote_ident(str(spec.get("dimension")))
        value = spec.get("value")
        if value is None:
            return f"({column} IS NULL)"
        return f"(CAST({column} AS VARCHAR) = {quote_str(str(value))})"
    if kind == "filter":
        try:
            return filter_sql(spec.get("filter"))
        except (ValueError, KeyError) as exc:
            raise bad_query(f"Invalid having filter: {exc}") from exc
    if kind in ("and", "or"):
        parts = [having_sql(s) for s in spec.get("havingSpecs") or []]
        return "(" + (f" {kind.upper()} ".join(parts) or "TRUE") + ")"
    if kind == "not":
        return f"(NOT {having_sql(spec.get('havingSpec'))})"
    if kind == "always":
        return "TRUE"
    if kind == "never":
        return "FALSE"
    raise bad_query(f"Unknown having spec type [{kind}]")
