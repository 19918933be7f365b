"""Druid SQL statements built from checked identifiers and bound values.

Rules this module keeps:
- identifiers (datasource, columns) come only from `DatasourceSchema.column`, i.e. real columns;
- every value (dates, filter values) is a positional `?` with a typed parameter;
- the only literals spliced into the text are ones the code owns: ISO periods from the Granularity
  enum, the configured time zone (checked against the tz database), and LIMIT as a validated int;
- time filters are `__time >= ? AND __time < ?` on UTC bounds of whole local days.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from mauzo_common.sales_model import Dimension, Metric
from mauzo_query_api.olap.catalog import TIME_COLUMN, DatasourceSchema
from mauzo_query_api.olap.client import Param, SqlQuery
from mauzo_query_api.scope import EVERY_BRANCH, BranchScope, OutOfScope
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.measures import Measure, kpi_aggregates, measure_expression
from mauzo_query_api.sql.money import scaled_net
from mauzo_query_api.sql.timewindow import (
    Granularity,
    local_midnight_utc,
    sql_timestamp,
    window,
)

_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")


def zone_literal(zone: ZoneInfo) -> str:
    """The zone as a SQL string literal; only tz-database names pass (Druid needs a literal)."""
    name = zone.key
    if not _ZONE_NAME.match(name):
        raise ValueError(f"time zone {name!r} cannot be used in SQL")
    return f"'{name}'"


def time_bucket(granularity: Granularity, zone: ZoneInfo) -> str:
    return f"TIME_FLOOR({TIME_COLUMN}, '{granularity.value}', NULL, {zone_literal(zone)})"


@dataclass
class Where:
    """Conditions joined by AND, with their parameters in placeholder order."""

    conditions: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)

    def add(self, condition: str, *params: Param) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def sql(self) -> str:
        # Each condition in parentheses: none can ever OR its way around another (the scope).
        joined = " AND ".join(f"({condition})" for condition in self.conditions)
        return f" WHERE {joined}" if self.conditions else ""


def scoped(schema: DatasourceSchema, scope: BranchScope) -> Where:
    """A WHERE that starts with the scope's mandatory condition (scope.py); the caller's own
    filters are added after it, so they can only narrow it."""
    out = Where()
    if scope.branches is None:
        return out
    if not schema.has(Dimension.BRANCH):
        raise OutOfScope(
            f"datasource {schema.name!r} has no branch column, so it cannot be limited to "
            "the branches you may see"
        )
    if not scope.branches:
        out.add("1 = 0")  # an empty scope sees nothing
        return out
    values = sorted(scope.branches)
    out.add(
        f"{schema.column(Dimension.BRANCH)} IN ({', '.join('?' for _ in values)})",
        *(Param("VARCHAR", v) for v in values),
    )
    return out


def where(
    schema: DatasourceSchema, flt: SalesFilter, zone: ZoneInfo, scope: BranchScope = EVERY_BRANCH
) -> Where:
    out = scoped(schema, scope)
    if flt.date_from is not None and flt.date_to is not None:
        span = window(flt.date_from, flt.date_to, zone)
        out.add(
            f"{TIME_COLUMN} >= ? AND {TIME_COLUMN} < ?",
            Param("TIMESTAMP", sql_timestamp(span.start)),
            Param("TIMESTAMP", sql_timestamp(span.end)),
        )
    elif flt.date_from is not None:
        start = local_midnight_utc(flt.date_from, zone)
        out.add(f"{TIME_COLUMN} >= ?", Param("TIMESTAMP", sql_timestamp(start)))
    elif flt.date_to is not None:
        end = local_midnight_utc(flt.date_to + timedelta(days=1), zone)
        out.add(f"{TIME_COLUMN} < ?", Param("TIMESTAMP", sql_timestamp(end)))
    for dimension, values in sorted(flt.values.items(), key=lambda item: item[0].value):
        column = schema.column(dimension.value)
        placeholders = ", ".join("?" for _ in values)
        out.add(f"{column} IN ({placeholders})", *(Param("VARCHAR", v) for v in values))
    return out


@dataclass(frozen=True)
class Ordering:
    measure: Measure
    descending: bool = True


@dataclass(frozen=True)
class KpiStatement:
    """What to group by and how to rank; `group_by` holds column names checked by the schema."""

    group_by: Sequence[str] = ()
    bucket: Granularity | None = None
    order: Ordering | None = None
    limit: int | None = None
    distinct: tuple[str, ...] = ()
    first_last: bool = False
    customers: bool = True  # False: no unique-customer count (an exact distinct, the costliest)


def kpi_query(
    schema: DatasourceSchema,
    flt: SalesFilter,
    zone: ZoneInfo,
    spec: KpiStatement,
    scope: BranchScope = EVERY_BRANCH,
    aggregates: Sequence[tuple[str, str]] | None = None,
) -> SqlQuery:
    """One KPI row per group (or one row overall): keys k0.., optional bucket, raw aggregates
    (`aggregates`: only these (alias, expression) pairs instead of all of kpi_aggregates)."""
    keys = [(f"k{i}", schema.column(name)) for i, name in enumerate(spec.group_by)]
    if spec.bucket is not None:
        keys.append(("bucket", time_bucket(spec.bucket, zone)))
    select = [f"{expr} AS {alias}" for alias, expr in keys]
    if aggregates is None:
        aggregates = kpi_aggregates(schema, distinct=spec.distinct, customers=spec.customers)
    select += [f"{expr} AS {alias}" for alias, expr in aggregates]
    if spec.first_last:
        select += [f"MIN({TIME_COLUMN}) AS first_time", f"MAX({TIME_COLUMN}) AS last_time"]
    order: list[str] = []
    if spec.order is not None:
        expr = measure_expression(schema, spec.order.measure)
        select += [
            f"CASE WHEN {expr} IS NULL THEN 1 ELSE 0 END AS sort_missing",
            f"{expr} AS sort_value",
        ]
        order += ["sort_missing ASC", f"sort_value {'DESC' if spec.order.descending else 'ASC'}"]
    if spec.bucket is not None:
        order.insert(0, "bucket ASC")
    order += [f"{alias} ASC" for alias, _ in keys if alias != "bucket"]
    filters = where(schema, flt, zone, scope)
    text = f"SELECT {', '.join(select)} FROM {schema.table}{filters.sql()}"
    if keys:
        text += f" GROUP BY {', '.join(expr for _, expr in keys)}"
        text += f" ORDER BY {', '.join(order)}"
    if spec.limit is not None:
        text += f" LIMIT {int(spec.limit)}"
    return SqlQuery(text, tuple(filters.params), schema.name, scope)


def distinct_values_query(
    schema: DatasourceSchema,
    column: str,
    flt: SalesFilter,
    zone: ZoneInfo,
    limit: int,
    scope: BranchScope = EVERY_BRANCH,
) -> SqlQuery:
    """The values of one column present in the data (nulls left out), in order."""
    quoted = schema.column(column)
    filters = where(schema, flt, zone, scope)
    filters.add(f"{quoted} IS NOT NULL")
    text = (
        f"SELECT {quoted} AS v FROM {schema.table}{filters.sql()} "
        f"GROUP BY {quoted} ORDER BY {quoted} ASC LIMIT {int(limit)}"
    )
    return SqlQuery(text, tuple(filters.params), schema.name, scope)


def data_range_query(schema: DatasourceSchema, scope: BranchScope = EVERY_BRANCH) -> SqlQuery:
    filters = scoped(schema, scope)
    text = (
        f"SELECT MIN({TIME_COLUMN}) AS min_time, MAX({TIME_COLUMN}) AS max_time, "
        f"COUNT(*) AS row_count FROM {schema.table}{filters.sql()}"
    )
    return SqlQuery(text, tuple(filters.params), schema.name, scope)


def customer_facts_query(
    schema: DatasourceSchema,
    flt: SalesFilter,
    zone: ZoneInfo,
    limit: int,
    scope: BranchScope = EVERY_BRANCH,
) -> SqlQuery:
    """Per customer (nulls left out): last line time, transactions and exact net sales (in
    1/10 000ths, money.py), for RFM."""
    customer = schema.column(Dimension.CUSTOMER)
    filters = where(schema, flt, zone, scope)
    filters.add(f"{customer} IS NOT NULL")
    transactions = measure_expression(schema, Measure.TRANSACTIONS)
    net = scaled_net(schema.column(Metric.GROSS_REVENUE), schema.column(Metric.RETURNS_VALUE))
    text = (
        f"SELECT {customer} AS k0, MAX({TIME_COLUMN}) AS last_time, "
        f"{transactions} AS frequency, {net} AS monetary "
        f"FROM {schema.table}{filters.sql()} GROUP BY {customer} ORDER BY {customer} ASC "
        f"LIMIT {int(limit)}"
    )
    return SqlQuery(text, tuple(filters.params), schema.name, scope)
