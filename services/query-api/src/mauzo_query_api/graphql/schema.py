# mypy: disable-error-code="untyped-decorator"
"""The GraphQL schema: one documented field per dashboard question, plus limits and caches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext, ExecutionResult, Info
from strawberry.types.graphql import OperationType
from strawberry.types.nodes import SelectedField

from mauzo_common.auth.principal import Role
from mauzo_query_api.deps import Ask
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.graphql.arguments import (
    ColumnsArg,
    CompareArg,
    DatasourceArg,
    DimensionArg,
    DirectionArg,
    FilterArg,
    GranularityArg,
    GroupingArg,
    LimitArg,
    MeasureArg,
    OrderArg,
    RowsArg,
    TargetsArg,
)
from mauzo_query_api.graphql.cost import CostLimit
from mauzo_query_api.graphql.errors import ErrorShaping, shape_error
from mauzo_query_api.graphql.ingestion_fields import IngestionQueries, Mutation
from mauzo_query_api.graphql.inputs import (
    ExploreInput,
    ProductGrouping,
    RankDirection,
    SalesFilterInput,
)
from mauzo_query_api.graphql.resolvers import exploring, metadata, overview, rankings, segments
from mauzo_query_api.graphql.segment_types import CustomerSegments
from mauzo_query_api.graphql.types import (
    BranchPerformance,
    BranchTrend,
    CustomerValue,
    DataRange,
    DatasourceInfo,
    ExploreResult,
    FilterOptions,
    GroupKpis,
    MatrixCell,
    ReturnsBreakdown,
    SalesOverview,
    SalespersonPerformance,
    TrendPoint,
)
from mauzo_query_api.settings import QueryApiSettings
from mauzo_query_api.sql.explore import AggregateSpec, ExploreSpec
from mauzo_query_api.sql.filters import Dimension, SalesFilter
from mauzo_query_api.sql.measures import Measure
from mauzo_query_api.sql.timewindow import Granularity

GqlInfo = Info[Ask, None]


def _filter(info: GqlInfo, flt: SalesFilterInput | None) -> SalesFilter:
    if flt is None:
        return SalesFilter()
    return flt.to_filter(info.context.settings.max_filter_values)


def _selects(info: GqlInfo, name: str) -> bool:
    """Whether this field's selection may read `name`: only plain fields are looked at, so any
    fragment counts as a yes."""
    for field in info.selected_fields:
        for child in field.selections:
            if not isinstance(child, SelectedField) or child.name == name:
                return True
    return False


@strawberry.type(
    description="Sales analytics from the OLAP store, exact, in the business time zone."
)
class Query(IngestionQueries):
    @strawberry.field(description="Overview KPIs for the filter, with the previous period.")
    async def sales_overview(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        datasource: DatasourceArg = None,
        compare: CompareArg = True,
    ) -> SalesOverview:
        return await overview.sales_overview(
            info.context, datasource, _filter(info, filter), compare=compare
        )

    @strawberry.field(description="KPIs per time bucket, gaps filled, growth on the bucket before.")
    async def sales_trend(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        granularity: GranularityArg = Granularity.MONTH,
        datasource: DatasourceArg = None,
    ) -> list[TrendPoint]:
        return await overview.sales_trend(
            info.context,
            datasource,
            _filter(info, filter),
            granularity,
            customers=_selects(info, "uniqueCustomers"),
        )

    @strawberry.field(description="Salespeople ranked by a measure, with target attainment.")
    async def salesperson_leaderboard(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        order_by: OrderArg = Measure.NET_SALES,
        targets: TargetsArg = None,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> list[SalespersonPerformance]:
        goals = {t.salesperson: t.target for t in targets or []}
        return await rankings.leaderboard(
            info.context, datasource, _filter(info, filter), order_by, goals, limit
        )

    @strawberry.field(description="Top or bottom products, product lines or item groups.")
    async def product_performance(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        group_by: GroupingArg = ProductGrouping.PRODUCT,
        order_by: OrderArg = Measure.NET_SALES,
        direction: DirectionArg = RankDirection.TOP,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> list[GroupKpis]:
        return await rankings.breakdown(
            info.context,
            datasource,
            _filter(info, filter),
            Dimension(group_by.value),
            order_by,
            direction is RankDirection.TOP,
            limit,
        )

    @strawberry.field(description="Branches with growth against the previous period.")
    async def branch_performance(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        order_by: OrderArg = Measure.NET_SALES,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> list[BranchPerformance]:
        return await rankings.branches(
            info.context, datasource, _filter(info, filter), order_by, limit
        )

    @strawberry.field(description="Each branch's trend (branch × bucket), with growth.")
    async def branch_trend(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        granularity: GranularityArg = Granularity.MONTH,
        datasource: DatasourceArg = None,
    ) -> list[BranchTrend]:
        return await overview.branch_trend(
            info.context, datasource, _filter(info, filter), granularity
        )

    @strawberry.field(description="KPIs (profit and margin included) by any dimension.")
    async def profitability(
        self,
        info: GqlInfo,
        dimension: DimensionArg,
        filter: FilterArg = None,
        order_by: OrderArg = Measure.GROSS_PROFIT,
        direction: DirectionArg = RankDirection.TOP,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> list[GroupKpis]:
        return await rankings.breakdown(
            info.context,
            datasource,
            _filter(info, filter),
            dimension,
            order_by,
            direction is RankDirection.TOP,
            limit,
        )

    @strawberry.field(
        description="A measure for every pair of two dimensions: heatmaps and mixes "
        "(branch × product line, salesperson × product line ...)."
    )
    async def sales_matrix(
        self,
        info: GqlInfo,
        rows: RowsArg,
        columns: ColumnsArg,
        filter: FilterArg = None,
        measure: MeasureArg = Measure.NET_SALES,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> list[MatrixCell]:
        return await rankings.matrix(
            info.context, datasource, _filter(info, filter), (rows, columns), measure, limit
        )

    @strawberry.field(description="Most (or least) valuable customers, with first/last purchase.")
    async def top_customers(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        order_by: OrderArg = Measure.NET_SALES,
        direction: DirectionArg = RankDirection.TOP,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> list[CustomerValue]:
        return await rankings.customers(
            info.context,
            datasource,
            _filter(info, filter),
            order_by,
            direction is RankDirection.TOP,
            limit,
        )

    @strawberry.field(
        description="Customers scored 1-5 on recency, frequency and monetary value (quintiles "
        "over the customers of the filter) and grouped into named segments (rule on the "
        "CustomerSegments type)."
    )
    async def customer_segments(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> CustomerSegments:
        return await segments.customer_segments(
            info.context, datasource, _filter(info, filter), limit
        )

    @strawberry.field(description="Returns value, units and rate, total and by a dimension.")
    async def returns_analysis(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        dimension: DimensionArg = Dimension.PRODUCT,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> ReturnsBreakdown:
        return await rankings.returns(
            info.context, datasource, _filter(info, filter), dimension, limit
        )

    @strawberry.field(description="The values each filter can take, read from the data.")
    async def filter_options(
        self,
        info: GqlInfo,
        filter: FilterArg = None,
        limit: LimitArg = None,
        datasource: DatasourceArg = None,
    ) -> FilterOptions:
        return await metadata.filter_options(info.context, datasource, _filter(info, filter), limit)

    @strawberry.field(description="The time span and row count of a datasource.")
    async def data_range(self, info: GqlInfo, datasource: DatasourceArg = None) -> DataRange:
        return await metadata.data_range(info.context, datasource)

    @strawberry.field(
        description="Any datasource (sales-shaped or not): dimensions × aggregates × time "
        "bucket. Admin only; a branch-limited admin reads only their branches' rows."
    )
    async def explore(
        self,
        info: GqlInfo,
        query: Annotated[ExploreInput, strawberry.argument(description="What to compute.")],
    ) -> ExploreResult:
        ask = info.context
        ask.require(Role.ADMIN)
        if query.date_from and query.date_to and query.date_to < query.date_from:
            raise InvalidArgument("dateTo is before dateFrom")
        spec = ExploreSpec(
            dimensions=tuple(query.dimensions),
            aggregates=tuple(AggregateSpec(a.column, a.function) for a in query.aggregates),
            bucket=query.granularity,
            date_from=query.date_from,
            date_to=query.date_to,
            filters=tuple((f.column, tuple(sorted(set(f.values)))) for f in query.filters),
            limit=ask.limit(query.limit),
        )
        return await exploring.explore(ask, query.datasource, spec)

    @strawberry.field(description="Every datasource with its columns, roles, rows and time span.")
    async def datasources(self, info: GqlInfo) -> list[DatasourceInfo]:
        return await metadata.datasources(info.context)


def extensions(
    settings: QueryApiSettings,
) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    return [
        lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        lambda: CostLimit(settings.graphql_max_cost, settings.graphql_default_list_size),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        ErrorShaping,
    ]


class MauzoSchema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        # A syntax error raised by ParserCache escapes every extension's on_operation (Strawberry
        # catches it outside them), so ErrorShaping never saw it: shape what is still bare.
        if result.errors and any(not (e.extensions or {}).get("code") for e in result.errors):
            request_id = getattr(context_value, "request_id", None)
            result.errors = [
                e if (e.extensions or {}).get("code") else shape_error(e, request_id)
                for e in result.errors
            ]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """ErrorShaping logs each error once, without tracebacks for expected refusals."""


def build_schema(settings: QueryApiSettings | None = None) -> strawberry.Schema:
    return MauzoSchema(
        query=Query, mutation=Mutation, extensions=extensions(settings or QueryApiSettings())
    )
