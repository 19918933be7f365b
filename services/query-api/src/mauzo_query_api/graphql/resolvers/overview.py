"""Overview (KPIs with the previous period) and trends (buckets in the business time zone)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date
from typing import Any

from mauzo_common.sales_model import Dimension
from mauzo_query_api.deps import Ask
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.graphql.types import (
    BranchTrend,
    KpiGrowth,
    Period,
    SalesOverview,
    TrendPoint,
    kpi_fields,
    sales_kpis,
)
from mauzo_query_api.olap.client import Row
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.kpis import Kpis, growth
from mauzo_query_api.sql.split import joined_rows, key_aliases, kpi_queries
from mauzo_query_api.sql.statements import KpiStatement, kpi_query
from mauzo_query_api.sql.timewindow import (
    Granularity,
    bucket_floor,
    buckets,
    local_midnight_utc,
    parse_olap_timestamp,
    window,
)

OVERVIEW_DISTINCT = (Dimension.PRODUCT, Dimension.BRANCH, Dimension.SALESPERSON)


async def kpi_rows(
    ask: Ask, datasource: str | None, flt: SalesFilter, spec: KpiStatement
) -> list[Row]:
    """kpi_query's rows, asked as split.py's parts at once."""
    schema = await ask.schema(datasource)
    parts = await ask.all_rows(kpi_queries(schema, flt, ask.zone, spec, ask.scope))
    return joined_rows(parts, key_aliases(spec))


async def totals(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    distinct: tuple[str, ...] = OVERVIEW_DISTINCT,
) -> Kpis:
    rows = await kpi_rows(ask, datasource, flt, KpiStatement(distinct=distinct))
    currency = ask.currency(datasource)
    return Kpis.from_row(rows[0], currency) if rows else Kpis.empty(currency)


def kpi_growth(current: Kpis, previous: Kpis) -> KpiGrowth:
    return KpiGrowth(
        net_sales=growth(current.net_sales, previous.net_sales),
        gross_profit=growth(current.gross_profit, previous.gross_profit),
        gross_margin=growth(current.gross_margin, previous.gross_margin),
        transactions=growth(current.transactions, previous.transactions),
        units_sold=growth(current.units_sold, previous.units_sold),
        unique_customers=growth(current.unique_customers, previous.unique_customers),
        average_transaction_value=growth(
            current.average_transaction_value, previous.average_transaction_value
        ),
    )


async def sales_overview(
    ask: Ask, datasource: str | None, flt: SalesFilter, *, compare: bool = True
) -> SalesOverview:
    period = previous_period = None
    previous_filter = None
    if flt.date_from is not None and flt.date_to is not None:
        current = window(flt.date_from, flt.date_to, ask.zone)
        period = Period(date_from=current.date_from, date_to=current.date_to)
        if compare:
            before = current.previous(ask.zone)
            previous_period = Period(date_from=before.date_from, date_to=before.date_to)
            previous_filter = flt.with_dates(before.date_from, before.date_to)
    if previous_filter is not None:
        # The previous period shows plain KPIs: its distinct products, branches and salespeople
        # would never be read, and counting them is ~40 % of its statement's time at 10M-50M rows.
        now, then = await asyncio.gather(
            totals(ask, datasource, flt), totals(ask, datasource, previous_filter, distinct=())
        )
    else:
        now, then = await totals(ask, datasource, flt), None
    return SalesOverview(
        **kpi_fields(now),
        unique_products=now.unique_products,
        unique_branches=now.unique_branches,
        unique_salespeople=now.unique_salespeople,
        period=period,
        previous_period=previous_period,
        previous=sales_kpis(then) if then is not None else None,
        growth=kpi_growth(now, then) if then is not None else None,
    )


def bucket_day(ask: Ask, value: Any) -> date | None:
    instant = parse_olap_timestamp(value)
    return instant.astimezone(ask.zone).date() if instant is not None else None


def span(flt: SalesFilter, seen: list[date]) -> tuple[date | None, date | None]:
    """The trend's first and last day: the filter's range, else the data's own."""
    first = flt.date_from or (min(seen) if seen else None)
    last = flt.date_to or (max(seen) if seen else None)
    return first, last


def fill_trend(
    ask: Ask,
    currency: str,
    by_bucket: dict[date, Kpis],
    first: date | None,
    last: date | None,
    granularity: Granularity,
) -> list[TrendPoint]:
    """Every bucket from `first` to `last`, gaps as zeros, each with growth on the one before."""
    if first is None or last is None:
        return []
    starts = buckets(first, last, granularity)
    if len(starts) > ask.settings.max_row_limit:
        raise InvalidArgument(
            f"the trend has more than {ask.settings.max_row_limit} buckets; use a coarser one"
        )
    points: list[TrendPoint] = []
    previous: Kpis | None = None
    for start in starts:
        kpis = by_bucket.get(start) or Kpis.empty(currency)
        points.append(
            TrendPoint(
                **kpi_fields(kpis),
                bucket=start,
                start=local_midnight_utc(start, ask.zone),
                net_sales_growth=growth(kpis.net_sales, previous.net_sales if previous else None),
                gross_profit_growth=growth(
                    kpis.gross_profit, previous.gross_profit if previous else None
                ),
            )
        )
        previous = kpis
    return points


def check_size(ask: Ask, rows: list[Row]) -> None:
    if len(rows) > ask.settings.max_row_limit:
        raise InvalidArgument(
            f"the answer has more than {ask.settings.max_row_limit} rows; narrow the filter"
        )


async def sales_trend(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    granularity: Granularity,
    *,
    customers: bool = True,
) -> list[TrendPoint]:
    """`customers=False` when the caller shows no customer count: the points' uniqueCustomers
    are then 0, and the statement skips an exact distinct count per bucket."""
    spec = KpiStatement(
        bucket=granularity, limit=ask.settings.max_row_limit + 1, customers=customers
    )
    rows = await kpi_rows(ask, datasource, flt, spec)
    check_size(ask, rows)
    currency = ask.currency(datasource)
    by_bucket: dict[date, Kpis] = {}
    for row in rows:
        day = bucket_day(ask, row.get("bucket"))
        if day is not None:
            by_bucket[bucket_floor(day, granularity)] = Kpis.from_row(row, currency)
    first, last = span(flt, list(by_bucket))
    return fill_trend(ask, currency, by_bucket, first, last, granularity)


async def branch_trend(
    ask: Ask, datasource: str | None, flt: SalesFilter, granularity: Granularity
) -> list[BranchTrend]:
    schema = await ask.schema(datasource)
    spec = KpiStatement(
        group_by=(Dimension.BRANCH,), bucket=granularity, limit=ask.settings.max_row_limit + 1
    )
    rows = await ask.rows(kpi_query(schema, flt, ask.zone, spec, ask.scope))
    check_size(ask, rows)
    currency = ask.currency(datasource)
    per_branch: defaultdict[str | None, dict[date, Kpis]] = defaultdict(dict)
    for row in rows:
        day = bucket_day(ask, row.get("bucket"))
        if day is not None:
            per_branch[row.get("k0")][bucket_floor(day, granularity)] = Kpis.from_row(row, currency)
    first, last = span(flt, [day for series in per_branch.values() for day in series])
    ordered = sorted(per_branch.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return [
        BranchTrend(
            branch=branch, points=fill_trend(ask, currency, series, first, last, granularity)
        )
        for branch, series in ordered
    ]
