"""groupBy (Druid's querying/groupbyquery.md): aggregates per time bucket and dimension values,
with `having`, a default `limitSpec` (columns, limit, offset), post-aggregators and the
`resultAsArray` / `sortByDimsFirst` context.

Rows come sorted like Druid's: the bucket first (unless sortByDimsFirst), then the limitSpec's
columns, then the remaining dimensions ascending. A limitSpec column that is an aggregate orders
numerically, a dimension lexicographically unless its dimensionOrder says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.aggregation import BUCKET, Aggregation
from mauzo_olap_lite.native.dimensions import dimensions
from mauzo_olap_lite.native.errors import bad_query, unsupported
from mauzo_olap_lite.native.having import having_sql
from mauzo_olap_lite.native.ordering import order_term
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute, epoch_ms, plain, records


def _order(agg: Aggregation, limit_spec: dict[str, Any], dims_first: bool) -> str:
    dim_names = {d.output for d in agg.dims}
    terms: list[str] = []
    used: set[str] = set()
    for column in limit_spec.get("columns") or []:
        if isinstance(column, str):
            column = {"dimension": column}
        name = str(column.get("dimension"))
        if name not in agg.output_names:
            raise bad_query(f"Unknown orderBy column [{name}] in limitSpec")
        descending = str(column.get("direction", "ascending")).lower().startswith("desc")
        ordering = column.get("dimensionOrder")
        if isinstance(ordering, dict):
            ordering = ordering.get("type")
        if name not in dim_names and ordering is None:
            ordering = "numeric"
        terms.append(order_term(quote_ident(name), ordering, descending))
        used.add(name)
    terms += [
        order_term(quote_ident(d.output), None, False) for d in agg.dims if d.output not in used
    ]
    bucket = f"{BUCKET} ASC"
    return ", ".join([*terms, bucket] if dims_first else [bucket, *terms])


def run(scope: Scope, execute: Execute) -> list[Any]:
    query = scope.query
    if query.get("subtotalsSpec"):
        raise unsupported("subtotalsSpec is not supported")
    if isinstance(query.get("dataSource"), dict) and query["dataSource"].get("type") == "query":
        raise unsupported("nested groupBy is not supported")
    agg = Aggregation(scope, dimensions(query.get("dimensions"), scope.table))
    if not scope.spans():
        return []
    limit_spec = query.get("limitSpec") or {}
    if limit_spec and str(limit_spec.get("type", "default")) != "default":
        raise unsupported(f"limitSpec type [{limit_spec.get('type')}] is not supported")
    sql = (
        f"SELECT * FROM ({agg.with_posts(agg.grouped_sql())}) "
        f"WHERE {having_sql(query.get('having'))} "
        f"ORDER BY {_order(agg, limit_spec, scope.context.sort_by_dims_first)}"
    )
    if limit_spec.get("limit") is not None:
        sql += f" LIMIT {int(limit_spec['limit'])}"
    if limit_spec.get("offset"):
        sql += f" OFFSET {int(limit_spec['offset'])}"
    result = execute(sql)
    if scope.context.result_as_array:
        return [[_millis(scope, row[0]), *(plain(v) for v in row[1:])] for row in result.rows]
    return [
        {"version": "v1", "timestamp": scope.stamp(row[0]), "event": rec}
        for row, rec in zip(result.rows, records(result, skip=1), strict=True)
    ]


def _millis(scope: Scope, bucket: datetime | None) -> int | None:
    moment = bucket if bucket is not None else scope.all_timestamp()
    return epoch_ms(moment) if moment is not None else None
