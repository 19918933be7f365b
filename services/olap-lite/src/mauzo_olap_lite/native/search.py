"""search (Druid's querying/searchquery.md): the dimension values matching a search query spec,
with their row counts, per time bucket; sorted lexicographically (or by strlen / numeric /
alphanumeric) and cut at `limit` (default 1000)."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.ingest.filters import search_sql
from mauzo_olap_lite.native.errors import bad_query
from mauzo_olap_lite.native.ordering import order_term
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute
from mauzo_olap_lite.native.table import TIME


def _dimensions(scope: Scope) -> list[str]:
    raw = scope.query.get("searchDimensions")
    if raw:
        return [str(d if isinstance(d, str) else d.get("dimension")) for d in raw]
    return [c.name for c in scope.table.columns if c.role == "dimension"]


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    query = scope.query
    spec = query.get("query")
    if isinstance(spec, str):
        spec = {"type": "insensitive_contains", "value": spec}
    if not isinstance(spec, dict):
        raise bad_query("search needs a query spec")
    names = _dimensions(scope)
    if not names or not scope.spans():
        return []
    bucket = scope.granularity.bucket_sql(quote_ident(TIME))
    parts = []
    for name in names:
        ref = quote_ident(name)
        if scope.table.is_multi(name):
            value = f"unnest({ref})"
            inner = f"SELECT {bucket} AS b, {value} AS v FROM {scope.source} WHERE {scope.where}"
        else:
            inner = (
                f"SELECT {bucket} AS b, CAST({ref} AS VARCHAR) AS v "
                f"FROM {scope.source} WHERE {scope.where}"
            )
        parts.append(
            f"SELECT b, {quote_str(name)} AS d, v, count(*) AS c FROM ({inner}) "
            f"WHERE v IS NOT NULL AND {search_sql(spec, 'v')} GROUP BY 1, 2, 3"
        )
    ordering = (query.get("sort") or {}).get("type")
    order = order_term("v", ordering, False)
    limit = int(query.get("limit") or 1000)
    sql = (
        f"SELECT b, d, v, c FROM (SELECT *, row_number() OVER (PARTITION BY b ORDER BY {order}, d) "
        f"AS r FROM ({' UNION ALL '.join(parts)})) WHERE r <= {limit} ORDER BY b, r"
    )
    result = execute(sql)
    out: list[dict[str, Any]] = []
    for b, d, v, c in result.rows:
        stamp = scope.stamp(b)
        if not out or out[-1]["timestamp"] != stamp:
            out.append({"timestamp": stamp, "result": []})
        out[-1]["result"].append({"dimension": d, "value": v, "count": int(c)})
    return out
