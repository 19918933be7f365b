"""Druid's limit on exact distinct counts (docs/druid.md#query-context).

With `useApproximateCountDistinct: false` Druid plans COUNT(DISTINCT) exactly, and one aggregation
(one SELECT) may hold only one distinct argument list unless `useGroupingSetForExactDistinct` is
true; otherwise the planner refuses the query. DuckDB could answer it, but a client tested against
olap-lite must not send a query Druid rejects.
"""

from __future__ import annotations

from sqlglot import exp

from mauzo_olap_lite.errors import planning_error
from mauzo_olap_lite.sql.context import QueryContext

REASON = (
    "Multiple exact COUNT(DISTINCT) aggregations in one query need the query context "
    "useGroupingSetForExactDistinct=true when useApproximateCountDistinct is false"
)


def check(tree: exp.Expr, ctx: QueryContext) -> None:
    if not ctx.exact_count_distinct or ctx.grouping_set_for_exact_distinct:
        return
    for select in tree.find_all(exp.Select):
        arguments = {
            _argument(count)
            for count in select.find_all(exp.Count)
            if isinstance(count.this, exp.Distinct) and count.find_ancestor(exp.Select) is select
        }
        if len(arguments) > 1:
            raise planning_error(REASON)


def _argument(count: exp.Count) -> str:
    """What Calcite groups distinct aggregates by: the argument list and the FILTER clause."""
    node = count.parent if isinstance(count.parent, exp.Filter) else count
    return node.sql(dialect="duckdb")
