"""REST for simple clients: /api/kpis/* in the {data, error, metadata} envelope, and health."""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from mauzo_common.auth.dependencies import guarded, principal_of
from mauzo_common.auth.principal import Role
from mauzo_query_api.deps import Ask, Services
from mauzo_query_api.graphql.inputs import ProductGrouping, RankDirection
from mauzo_query_api.graphql.resolvers import overview, rankings
from mauzo_query_api.sql.filters import Dimension, SalesFilter
from mauzo_query_api.sql.measures import Measure
from mauzo_query_api.sql.timewindow import Granularity

health = APIRouter(tags=["health"])
kpis = APIRouter(prefix="/api/kpis", tags=["kpis"], dependencies=guarded(Role.VIEWER))


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def plain(value: Any) -> Any:
    """A result object as JSON-ready data with the GraphQL field names (camelCase)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.name
    return value


def envelope(request: Request, data: Any) -> JSONResponse:
    body = {"data": plain(data), "error": None, "metadata": {"requestId": request.state.request_id}}
    return JSONResponse(body)


def ask(request: Request) -> Ask:
    services: Services = request.app.state.services
    return Ask(services, request.state.request_id, principal_of(request))


def sales_filter(
    request: Request,
    date_from: Annotated[date | None, Query(alias="dateFrom")] = None,
    date_to: Annotated[date | None, Query(alias="dateTo")] = None,
    branches: Annotated[list[str] | None, Query()] = None,
    regions: Annotated[list[str] | None, Query()] = None,
    product_lines: Annotated[list[str] | None, Query(alias="productLines")] = None,
    item_groups: Annotated[list[str] | None, Query(alias="itemGroups")] = None,
    products: Annotated[list[str] | None, Query()] = None,
    salespeople: Annotated[list[str] | None, Query()] = None,
    customers: Annotated[list[str] | None, Query()] = None,
) -> SalesFilter:
    services: Services = request.app.state.services
    return SalesFilter.of(
        date_from,
        date_to,
        max_values=services.settings.max_filter_values,
        branches=branches,
        regions=regions,
        product_lines=product_lines,
        item_groups=item_groups,
        products=products,
        salespeople=salespeople,
        customers=customers,
    )


AskDep = Annotated[Ask, Depends(ask)]
FilterDep = Annotated[SalesFilter, Depends(sales_filter)]
DatasourceQ = Annotated[str | None, Query(description="Datasource; the default if omitted")]
LimitQ = Annotated[int | None, Query(description="Maximum rows (default 1000, max 10000)")]
OrderQ = Annotated[Measure, Query(alias="orderBy")]
DirectionQ = Annotated[RankDirection, Query()]


@health.get("/api/health")
async def get_health(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    if not services.broker_ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse({"status": "ok"})


# Not public like /api/health: it tells an outsider whether the analytics store is down.
@health.get("/api/health/druid", dependencies=guarded(Role.VIEWER))
async def get_olap_health(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    if await services.olap.healthy():
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable"}, status_code=503)


@kpis.get("/overview")
async def get_overview(
    request: Request, a: AskDep, flt: FilterDep, datasource: DatasourceQ = None
) -> JSONResponse:
    return envelope(request, await overview.sales_overview(a, datasource, flt))


@kpis.get("/trend")
async def get_trend(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    granularity: Annotated[str, Query(pattern="^(day|week|month|quarter|year)$")] = "month",
    datasource: DatasourceQ = None,
) -> JSONResponse:
    bucket = Granularity[granularity.upper()]
    return envelope(request, await overview.sales_trend(a, datasource, flt, bucket))


@kpis.get("/salespeople")
async def get_salespeople(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    order_by: OrderQ = Measure.NET_SALES,
    limit: LimitQ = None,
    datasource: DatasourceQ = None,
) -> JSONResponse:
    rows = await rankings.leaderboard(a, datasource, flt, order_by, {}, limit)
    return envelope(request, rows)


@kpis.get("/products")
async def get_products(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    group_by: Annotated[ProductGrouping, Query(alias="groupBy")] = ProductGrouping.PRODUCT,
    order_by: OrderQ = Measure.NET_SALES,
    direction: DirectionQ = RankDirection.TOP,
    limit: LimitQ = None,
    datasource: DatasourceQ = None,
) -> JSONResponse:
    top = direction is RankDirection.TOP
    dimension = Dimension(group_by.value)
    rows = await rankings.breakdown(a, datasource, flt, dimension, order_by, top, limit)
    return envelope(request, rows)


@kpis.get("/branches")
async def get_branches(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    order_by: OrderQ = Measure.NET_SALES,
    limit: LimitQ = None,
    datasource: DatasourceQ = None,
) -> JSONResponse:
    return envelope(request, await rankings.branches(a, datasource, flt, order_by, limit))


@kpis.get("/customers")
async def get_customers(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    order_by: OrderQ = Measure.NET_SALES,
    direction: DirectionQ = RankDirection.TOP,
    limit: LimitQ = None,
    datasource: DatasourceQ = None,
) -> JSONResponse:
    top = direction is RankDirection.TOP
    rows = await rankings.customers(a, datasource, flt, order_by, top, limit)
    return envelope(request, rows)


@kpis.get("/profitability")
async def get_profitability(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    dimension: Annotated[Dimension, Query()] = Dimension.PRODUCT_LINE,
    order_by: OrderQ = Measure.GROSS_PROFIT,
    direction: DirectionQ = RankDirection.TOP,
    limit: LimitQ = None,
    datasource: DatasourceQ = None,
) -> JSONResponse:
    top = direction is RankDirection.TOP
    rows = await rankings.breakdown(a, datasource, flt, dimension, order_by, top, limit)
    return envelope(request, rows)


@kpis.get("/returns")
async def get_returns(
    request: Request,
    a: AskDep,
    flt: FilterDep,
    dimension: Annotated[Dimension, Query()] = Dimension.PRODUCT,
    limit: LimitQ = None,
    datasource: DatasourceQ = None,
) -> JSONResponse:
    return envelope(request, await rankings.returns(a, datasource, flt, dimension, limit))
