"""timeseries (Druid's querying/timeseriesquery.md): one row of aggregates per time bucket.

Empty buckets inside the spans Druid reads are filled (count 0, other aggregates null as in
SQL-compatible null handling) unless the context sets skipEmptyBuckets; `descending`, `limit` and
the `grandTotal` context (a last row with a null timestamp) are honoured.
"""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.aggregation import BUCKET, Aggregation
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute, records


def _filled(agg: Aggregation, grouped: str) -> str:
    scope = agg.scope
    starts = [b for span in scope.spans() for b in scope.granularity.buckets(span.start, span.end)]
    if not starts:
        return grouped
    listed = ", ".join(f"TIMESTAMP '{b.isoformat(sep=' ')}'" for b in starts)
    cols = [f"b.{BUCKET}"] + [
        f"coalesce(g.{quote_ident(a.name)}, {a.empty}) AS {quote_ident(a.name)}" for a in agg.aggs
    ]
    return (
        f"SELECT {', '.join(cols)} FROM (SELECT DISTINCT unnest([{listed}]) AS {BUCKET}) AS b "
        f"LEFT JOIN ({grouped}) AS g ON b.{BUCKET} = g.{BUCKET}"
    )


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    agg = Aggregation(scope, [])
    query = scope.query
    if not scope.table.segments or not scope.spans():
        return []
    grouped = agg.grouped_sql()
    fill = not scope.granularity.is_all and not scope.context.skip_empty_buckets
    if fill and scope.granularity.spec.period is not None:
        grouped = _filled(agg, grouped)
    order = "DESC" if query.get("descending") else "ASC"
    sql = f"{agg.with_posts(grouped)} ORDER BY {BUCKET} {order}"
    if query.get("limit") is not None:
        sql += f" LIMIT {int(query['limit'])}"
    result = execute(sql)
    out = [
        {"timestamp": scope.stamp(row[0]), "result": rec}
        for row, rec in zip(result.rows, records(result, skip=1), strict=True)
    ]
    if scope.context.grand_total:
        total = execute(agg.with_posts(agg.grouped_sql(all_buckets=True)))
        out.append({"timestamp": None, "result": records(total, skip=1)[0]})
    return out
