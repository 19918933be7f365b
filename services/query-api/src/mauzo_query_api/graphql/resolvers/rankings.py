"""Breakdowns by a dimension: leaderboard, products, branches with growth, profitability,
customers, returns and two-dimension matrices. One grouped KPI query each (two for growth)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mauzo_common import sales_model as model
from mauzo_query_api.deps import Ask
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.graphql.resolvers.metadata import data_range
from mauzo_query_api.graphql.resolvers.overview import totals
from mauzo_query_api.graphql.types import (
    BranchPerformance,
    CustomerValue,
    GroupKpis,
    MatrixCell,
    ReturnsBreakdown,
    SalespersonPerformance,
    kpi_fields,
    sales_kpis,
)
from mauzo_query_api.olap.client import Row
from mauzo_query_api.sql.filters import Dimension, SalesFilter
from mauzo_query_api.sql.kpis import Kpis, growth, ratio
from mauzo_query_api.sql.measures import Measure
from mauzo_query_api.sql.statements import KpiStatement, Ordering, kpi_query
from mauzo_query_api.sql.timewindow import parse_olap_timestamp, window


async def grouped(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    spec: KpiStatement,
) -> list[Row]:
    schema = await ask.schema(datasource)
    return await ask.rows(kpi_query(schema, flt, ask.zone, spec, ask.scope))


def group_kpis(row: Row, currency: str) -> GroupKpis:
    kpis = Kpis.from_row(row, currency)
    average_price = kpis.money(kpis.average_price)
    return GroupKpis(**kpi_fields(kpis), key=row.get("k0"), average_price=average_price)


async def breakdown(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    dimension: Dimension,
    order_by: Measure,
    descending: bool,
    limit: int | None,
) -> list[GroupKpis]:
    spec = KpiStatement(
        group_by=(dimension.value,),
        order=Ordering(order_by, descending),
        limit=ask.limit(limit),
    )
    currency = ask.currency(datasource)
    return [group_kpis(row, currency) for row in await grouped(ask, datasource, flt, spec)]


async def leaderboard(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    order_by: Measure,
    targets: dict[str, float],
    limit: int | None,
) -> list[SalespersonPerformance]:
    spec = KpiStatement(
        group_by=(model.Dimension.SALESPERSON,),
        order=Ordering(order_by, True),
        limit=ask.limit(limit),
        distinct=(model.Dimension.BRANCH, model.Dimension.PRODUCT),
    )
    out = []
    for rank, row in enumerate(await grouped(ask, datasource, flt, spec), start=1):
        kpis = Kpis.from_row(row, ask.currency(datasource))
        name = row.get("k0")
        target = targets.get(name) if name is not None else None
        out.append(
            SalespersonPerformance(
                **kpi_fields(kpis),
                key=name,
                average_price=kpis.money(kpis.average_price),
                rank=rank,
                unique_branches=kpis.unique_branches,
                unique_products=kpis.unique_products,
                target=target,
                attainment=ratio(kpis.net_sales, target),
            )
        )
    return out


async def branches(
    ask: Ask, datasource: str | None, flt: SalesFilter, order_by: Measure, limit: int | None
) -> list[BranchPerformance]:
    order = Ordering(order_by, True)
    spec = KpiStatement(group_by=(model.Dimension.BRANCH,), order=order, limit=ask.limit(limit))
    current = await grouped(ask, datasource, flt, spec)
    before: dict[str | None, Kpis] = {}
    if flt.date_from is not None and flt.date_to is not None and current:
        previous = window(flt.date_from, flt.date_to, ask.zone).previous(ask.zone)
        keys = sorted(str(row["k0"]) for row in current if row.get("k0") is not None)
        names = {**flt.values, Dimension.BRANCH: tuple(keys)} if keys else flt.values
        earlier = SalesFilter(previous.date_from, previous.date_to, names)
        plain = KpiStatement(group_by=(model.Dimension.BRANCH,), limit=ask.settings.max_row_limit)
        rows = await grouped(ask, datasource, earlier, plain)
        before = {row.get("k0"): Kpis.from_row(row, ask.currency(datasource)) for row in rows}
    out = []
    for row in current:
        kpis, then = Kpis.from_row(row, ask.currency(datasource)), before.get(row.get("k0"))
        out.append(
            BranchPerformance(
                **kpi_fields(kpis),
                key=row.get("k0"),
                average_price=kpis.money(kpis.average_price),
                previous_net_sales=then.money(then.net_sales) if then else None,
                net_sales_growth=growth(kpis.net_sales, then.net_sales if then else None),
                previous_gross_profit=then.money(then.gross_profit) if then else None,
                gross_profit_growth=growth(kpis.gross_profit, then.gross_profit if then else None),
            )
        )
    return out


async def customers(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    order_by: Measure,
    descending: bool,
    limit: int | None,
) -> list[CustomerValue]:
    spec = KpiStatement(
        group_by=(model.Dimension.CUSTOMER,),
        order=Ordering(order_by, descending),
        limit=ask.limit(limit),
        first_last=True,
    )
    rows = await grouped(ask, datasource, flt, spec)
    reference: date | None = flt.date_to
    if reference is None:
        reference = (await data_range(ask, datasource)).last_date
    out = []
    for row in rows:
        kpis = Kpis.from_row(row, ask.currency(datasource))
        first = parse_olap_timestamp(row.get("first_time"))
        last = parse_olap_timestamp(row.get("last_time"))
        recency = None
        if last is not None and reference is not None:
            recency = (reference - last.astimezone(ask.zone).date()).days
        out.append(
            CustomerValue(
                **kpi_fields(kpis),
                key=row.get("k0"),
                average_price=kpis.money(kpis.average_price),
                purchases=kpis.transactions,
                first_purchase=first,
                last_purchase=last,
                recency_days=recency,
            )
        )
    return out


async def returns(
    ask: Ask, datasource: str | None, flt: SalesFilter, dimension: Dimension, limit: int | None
) -> ReturnsBreakdown:
    rows = await breakdown(ask, datasource, flt, dimension, Measure.RETURNS_VALUE, False, limit)
    total = await totals(ask, datasource, flt)
    return ReturnsBreakdown(total=sales_kpis(total), rows=rows)


def measure_value(kpis: Kpis, measure: Measure) -> float | None:
    value: float | int | None = getattr(kpis, measure.value)
    return None if value is None else float(value)


async def matrix(
    ask: Ask,
    datasource: str | None,
    flt: SalesFilter,
    dimensions: Sequence[Dimension],
    measure: Measure,
    limit: int | None,
) -> list[MatrixCell]:
    if len(dimensions) != 2 or dimensions[0] is dimensions[1]:
        raise InvalidArgument("a matrix needs two different dimensions")
    spec = KpiStatement(group_by=tuple(d.value for d in dimensions), limit=ask.limit(limit))
    out = []
    for row in await grouped(ask, datasource, flt, spec):
        kpis = Kpis.from_row(row, ask.currency(datasource))
        out.append(
            MatrixCell(
                row=row.get("k0"),
                column=row.get("k1"),
                value=measure_value(kpis, measure),
                kpis=sales_kpis(kpis),
            )
        )
    return out
