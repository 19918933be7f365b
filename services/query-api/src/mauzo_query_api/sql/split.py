"""One KPI question as two statements, and their rows joined back into one row per group.

Exact distinct counts cost most of a KPI statement, and they cost more when one statement mixes
them with sums: olap-lite's DuckDB then first gathers the selected rows in a shared intermediate
result that feeds one hash aggregation for the sums and one per distinct argument. At 50M rows
the Overview's statement for the last 30 days took 280 ms of CPU as one statement, 41 + 156 ms
as the sums and the distinct counts, and 41 + 96 + 48 ms with the distinct invoices on their own
(docs/druid.md#exact-distinct-counts). Two statements it is: each statement costs a round trip
and DuckDB's fixed cost per query, which at 1M rows outweighs what a third one saves.

A split is only made when the statement ranks groups by nothing but their keys: both parts then
select the same groups (same filter, same GROUP BY) in the same order under the same LIMIT, so
joining by key is exact. The parts are separate statements (sent at once), so a load published
while they run can show in one part and not yet in the other, as between any two statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from mauzo_query_api.olap.catalog import DatasourceSchema
from mauzo_query_api.olap.client import Row, SqlQuery
from mauzo_query_api.scope import EVERY_BRANCH, BranchScope
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.measures import distinct_counts, plain_aggregates
from mauzo_query_api.sql.statements import KpiStatement, kpi_query


def kpi_queries(
    schema: DatasourceSchema,
    flt: SalesFilter,
    zone: ZoneInfo,
    spec: KpiStatement,
    scope: BranchScope = EVERY_BRANCH,
) -> list[SqlQuery]:
    """The statements whose rows `joined_rows` makes into kpi_query's rows: the sums (and
    first / last times), then the exact distinct counts when there are any."""
    counts = distinct_counts(schema, spec.distinct, spec.customers)
    if spec.order is not None or not counts:
        return [kpi_query(schema, flt, zone, spec, scope)]
    plain = kpi_query(schema, flt, zone, spec, scope, plain_aggregates(schema))
    keys_only = KpiStatement(spec.group_by, spec.bucket, limit=spec.limit)
    return [plain, kpi_query(schema, flt, zone, keys_only, scope, counts)]


def key_aliases(spec: KpiStatement) -> tuple[str, ...]:
    keys = tuple(f"k{i}" for i in range(len(spec.group_by)))
    return (*keys, "bucket") if spec.bucket is not None else keys


def joined_rows(parts: Sequence[list[Row]], keys: Sequence[str]) -> list[Row]:
    """The first part's rows, in its order, each with the other parts' columns of its group."""
    if not parts:
        return []
    others = [{tuple(row.get(k) for k in keys): row for row in part} for part in parts[1:]]
    out = []
    for row in parts[0]:
        key = tuple(row.get(k) for k in keys)
        merged = dict(row)
        for found in others:
            merged.update(found.get(key, {}))
        out.append(merged)
    return out
