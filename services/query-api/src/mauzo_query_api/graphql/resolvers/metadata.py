"""Filter options, data range and the datasource list, all read from the data itself."""

from __future__ import annotations

import asyncio

from mauzo_query_api.deps import Ask
from mauzo_query_api.graphql.types import (
    ColumnDescription,
    DataRange,
    DatasourceInfo,
    FilterOptions,
)
from mauzo_query_api.olap.catalog import TIME_COLUMN, column_role
from mauzo_query_api.sql.filters import Dimension, SalesFilter
from mauzo_query_api.sql.statements import data_range_query, distinct_values_query
from mauzo_query_api.sql.timewindow import parse_olap_timestamp


async def data_range(ask: Ask, datasource: str | None) -> DataRange:
    schema = await ask.schema(datasource)
    rows = await ask.rows(data_range_query(schema, ask.scope))
    row = rows[0] if rows else {}
    first = parse_olap_timestamp(row.get("min_time"))
    last = parse_olap_timestamp(row.get("max_time"))
    count = int(row.get("row_count") or 0)
    if count == 0:
        first = last = None
    return DataRange(
        first=first,
        last=last,
        first_date=first.astimezone(ask.zone).date() if first else None,
        last_date=last.astimezone(ask.zone).date() if last else None,
        row_count=count,
    )


async def distinct_values(
    ask: Ask, datasource: str | None, dimension: Dimension, flt: SalesFilter, limit: int
) -> list[str]:
    schema = await ask.schema(datasource)
    if not schema.has(dimension.value):
        return []
    rows = await ask.rows(
        distinct_values_query(schema, dimension.value, flt, ask.zone, limit, ask.scope)
    )
    return [str(row["v"]) for row in rows]


async def filter_options(
    ask: Ask, datasource: str | None, flt: SalesFilter, limit: int | None
) -> FilterOptions:
    cap = ask.limit(limit)
    order = list(Dimension)
    lists = await asyncio.gather(
        *(distinct_values(ask, datasource, dimension, flt, cap) for dimension in order)
    )
    values = dict(zip(order, lists, strict=True))
    return FilterOptions(
        branches=values[Dimension.BRANCH],
        regions=values[Dimension.REGION],
        product_lines=values[Dimension.PRODUCT_LINE],
        item_groups=values[Dimension.ITEM_GROUP],
        products=values[Dimension.PRODUCT],
        salespeople=values[Dimension.SALESPERSON],
        customers=values[Dimension.CUSTOMER],
        data_range=await data_range(ask, datasource),
    )


async def datasources(ask: Ask) -> list[DatasourceInfo]:
    ask.reads_datasource_list()
    names = await ask.services.catalog.names(ask.request_id)

    async def describe(name: str) -> DatasourceInfo | None:
        schema = await ask.schema(name)
        if ask.scope.limited and not schema.has(Dimension.BRANCH.value):
            return None  # rows a branch-limited caller could never read: not even listed
        ordered = sorted(schema.columns.items(), key=lambda c: (c[0] != TIME_COLUMN, c[0]))
        return DatasourceInfo(
            name=name,
            columns=[
                ColumnDescription(name=col, type=sql_type, role=column_role(col, sql_type))
                for col, sql_type in ordered
            ],
            data_range=await data_range(ask, name),
        )

    described = await asyncio.gather(*(describe(name) for name in names))
    return [info for info in described if info is not None]
