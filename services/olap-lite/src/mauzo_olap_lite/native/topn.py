"""topN (Druid's querying/topnquery.md): per time bucket, the `threshold` values of one dimension
ranked by a metric spec: numeric (a metric name), inverted, dimension / lexicographic /
alphaNumeric (with previousStop). olap-lite ranks exactly (Druid's topN is approximate)."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.native.aggregation import BUCKET, Aggregation
from mauzo_olap_lite.native.dimensions import dimension
from mauzo_olap_lite.native.errors import bad_query
from mauzo_olap_lite.native.ordering import order_term
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute, records


def _ranking(metric: Any, dim: str, outputs: list[str], inverted: bool = False) -> tuple[str, str]:
    """(ORDER BY terms, extra condition) of a topN metric spec."""
    if isinstance(metric, str):
        metric = {"type": "numeric", "metric": metric}
    if not isinstance(metric, dict):
        raise bad_query("topN needs a metric spec")
    kind = str(metric.get("type", "numeric"))
    if kind == "inverted":
        return _ranking(metric.get("metric"), dim, outputs, not inverted)
    if kind == "numeric":
        name = str(metric.get("metric"))
        if name not in outputs:
            raise bad_query(f"Must have an AggregatorFactory or PostAggregator for metric[{name}]")
        direction = "ASC NULLS FIRST" if inverted else "DESC NULLS LAST"
        tie = order_term(quote_ident(dim), None, False)
        return f"{quote_ident(name)} {direction}, {tie}", "TRUE"
    if kind in ("dimension", "lexicographic", "alphaNumeric"):
        ordering = "alphanumeric" if kind == "alphaNumeric" else metric.get("ordering")
        stop = metric.get("previousStop")
        condition = "TRUE"
        if stop is not None:
            condition = f"{quote_ident(dim)} {'<' if inverted else '>'} {quote_str(str(stop))}"
        return order_term(quote_ident(dim), ordering, inverted), condition
    raise bad_query(f"Unknown topN metric spec type [{kind}]")


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    query = scope.query
    if query.get("dimension") is None or query.get("threshold") is None:
        raise bad_query("topN needs a dimension and a threshold")
    dim = dimension(query["dimension"], scope.table, 0)
    agg = Aggregation(scope, [dim])
    if not scope.spans():
        return []
    order, condition = _ranking(query.get("metric"), dim.output, agg.output_names)
    ranked = (
        f"SELECT *, row_number() OVER (PARTITION BY {BUCKET} ORDER BY {order}) AS __rank "
        f"FROM ({agg.with_posts(agg.grouped_sql())}) WHERE {condition}"
    )
    sql = (
        f"SELECT * EXCLUDE (__rank) FROM ({ranked}) WHERE __rank <= {int(query['threshold'])} "
        f"ORDER BY {BUCKET} {'DESC' if query.get('descending') else 'ASC'}, __rank"
    )
    result = execute(sql)
    out: list[dict[str, Any]] = []
    for row, rec in zip(result.rows, records(result, skip=1), strict=True):
        stamp = scope.stamp(row[0])
        if not out or out[-1]["timestamp"] != stamp:
            out.append({"timestamp": stamp, "result": []})
        out[-1]["result"].append(rec)
    return out
