"""Explore: any datasource, chosen dimensions × aggregates × time bucket, with filters.

Also for datasources that are not sales-shaped. Every column name is checked against the
datasource's real columns; values are bound; aggregates come from a fixed list.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.olap.catalog import TIME_COLUMN, DatasourceSchema
from mauzo_query_api.olap.client import Param, SqlQuery
from mauzo_query_api.scope import EVERY_BRANCH, BranchScope
from mauzo_query_api.sql.statements import scoped, time_bucket
from mauzo_query_api.sql.timewindow import Granularity, local_midnight_utc, sql_timestamp


class Aggregate(enum.Enum):
    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    AVG = "AVG"
    COUNT = "COUNT"
    COUNT_DISTINCT = "COUNT_DISTINCT"


@dataclass(frozen=True)
class AggregateSpec:
    column: str | None
    function: Aggregate


@dataclass(frozen=True)
class ExploreSpec:
    dimensions: Sequence[str]
    aggregates: Sequence[AggregateSpec]
    bucket: Granularity | None
    date_from: date | None
    date_to: date | None
    filters: Sequence[tuple[str, tuple[str, ...]]]
    limit: int


def aggregate_sql(schema: DatasourceSchema, spec: AggregateSpec) -> str:
    if spec.function is Aggregate.COUNT and spec.column is None:
        return "COUNT(*)"
    if spec.column is None:
        raise InvalidArgument(f"{spec.function.name} needs a column")
    column = schema.column(spec.column)
    if spec.function is Aggregate.COUNT_DISTINCT:
        return f"COUNT(DISTINCT {column})"
    return f"{spec.function.value}({column})"


def explore_query(
    schema: DatasourceSchema,
    spec: ExploreSpec,
    zone: ZoneInfo,
    scope: BranchScope = EVERY_BRANCH,
) -> SqlQuery:
    if not spec.dimensions and not spec.aggregates and spec.bucket is None:
        raise InvalidArgument("choose at least one dimension, aggregate or time bucket")
    keys = [(f"d{i}", schema.column(name)) for i, name in enumerate(spec.dimensions)]
    if spec.bucket is not None:
        keys.insert(0, ("bucket", time_bucket(spec.bucket, zone)))
    select = [f"{expr} AS {alias}" for alias, expr in keys]
    select += [f"{aggregate_sql(schema, a)} AS m{i}" for i, a in enumerate(spec.aggregates)]
    where = scoped(schema, scope)  # the caller's filters below can only narrow it
    if spec.date_from is not None:
        start = local_midnight_utc(spec.date_from, zone)
        where.add(f"{TIME_COLUMN} >= ?", Param("TIMESTAMP", sql_timestamp(start)))
    if spec.date_to is not None:
        end = local_midnight_utc(spec.date_to + timedelta(days=1), zone)
        where.add(f"{TIME_COLUMN} < ?", Param("TIMESTAMP", sql_timestamp(end)))
    for column, values in spec.filters:
        if values:
            quoted = schema.column(column)
            where.add(
                f"{quoted} IN ({', '.join('?' for _ in values)})",
                *(Param("VARCHAR", v) for v in values),
            )
    text = f"SELECT {', '.join(select)} FROM {schema.table}{where.sql()}"
    if keys:
        text += f" GROUP BY {', '.join(expr for _, expr in keys)}"
        text += f" ORDER BY {', '.join(f'{alias} ASC' for alias, _ in keys)}"
    text += f" LIMIT {int(spec.limit)}"
    return SqlQuery(text, tuple(where.params), schema.name, scope)


def column_names(spec: ExploreSpec) -> list[str]:
    names = ["bucket"] if spec.bucket is not None else []
    names += list(spec.dimensions)
    names += [f"{a.function.name.lower()}({a.column or '*'})" for a in spec.aggregates]
    return names
