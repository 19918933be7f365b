"""GraphQL inputs and enums: the filter every question takes, rankings, targets."""

from __future__ import annotations

import enum
from datetime import date

import strawberry

from mauzo_common import sales_model as model
from mauzo_query_api.sql.explore import Aggregate
from mauzo_query_api.sql.filters import Dimension, SalesFilter
from mauzo_query_api.sql.measures import Measure
from mauzo_query_api.sql.timewindow import Granularity

GranularityEnum = strawberry.enum(
    Granularity,
    name="Granularity",
    description="Time bucket, cut in the business time zone (weeks start on Monday).",
)
MeasureEnum = strawberry.enum(
    Measure,
    name="Measure",
    description=(
        "A measure to rank or plot by, defined exactly as in the sales model. RETURNS_VALUE is "
        "≤ 0, so the biggest returns come first with direction BOTTOM."
    ),
)
DimensionEnum = strawberry.enum(
    Dimension, name="Dimension", description="A sales-model dimension (a column of the datasource)."
)


@strawberry.enum(description="Which end of a ranking to return.")
class RankDirection(enum.Enum):
    TOP = "top"
    BOTTOM = "bottom"


@strawberry.enum(description="How products are grouped for ranking.")
class ProductGrouping(enum.Enum):
    PRODUCT = model.Dimension.PRODUCT.value
    PRODUCT_LINE = model.Dimension.PRODUCT_LINE.value
    ITEM_GROUP = model.Dimension.ITEM_GROUP.value


@strawberry.input(
    description=(
        "Which sales to look at. Dates are whole days in the business time zone, both included; "
        "every list keeps only the given values, and an empty or missing list means all."
    )
)
class SalesFilterInput:
    date_from: date | None = strawberry.field(default=None, description="First day, included.")
    date_to: date | None = strawberry.field(default=None, description="Last day, included.")
    branches: list[str] | None = strawberry.field(default=None, description="Branch names.")
    regions: list[str] | None = strawberry.field(default=None, description="Regions.")
    product_lines: list[str] | None = strawberry.field(default=None, description="Product lines.")
    item_groups: list[str] | None = strawberry.field(default=None, description="Item groups.")
    products: list[str] | None = strawberry.field(default=None, description="Products.")
    salespeople: list[str] | None = strawberry.field(default=None, description="Salespeople.")
    customers: list[str] | None = strawberry.field(default=None, description="Customers.")

    def to_filter(self, max_values: int) -> SalesFilter:
        return SalesFilter.of(
            self.date_from,
            self.date_to,
            max_values=max_values,
            branches=self.branches,
            regions=self.regions,
            product_lines=self.product_lines,
            item_groups=self.item_groups,
            products=self.products,
            salespeople=self.salespeople,
            customers=self.customers,
        )


@strawberry.input(description="A sales target for one salesperson over the filtered period.")
class SalesTargetInput:
    salesperson: str = strawberry.field(description="Salesperson the target belongs to.")
    target: float = strawberry.field(description="Target net sales for the period.")


AggregateEnum = strawberry.enum(
    Aggregate, name="Aggregate", description="Aggregate function for explore."
)


@strawberry.input(description="One aggregate of explore: a function over a column.")
class AggregateInput:
    function: AggregateEnum = strawberry.field(  # type: ignore[valid-type]
        description="SUM, MIN, MAX, AVG, COUNT or COUNT_DISTINCT (exact)."
    )
    column: str | None = strawberry.field(
        default=None, description="Column to aggregate; omit only for COUNT (rows)."
    )


@strawberry.input(description="Keep rows whose column holds one of the values.")
class ColumnFilterInput:
    column: str = strawberry.field(description="A column of the datasource.")
    values: list[str] = strawberry.field(description="Values kept; empty keeps all.")


@strawberry.input(description="An explore question on any datasource.")
class ExploreInput:
    datasource: str = strawberry.field(description="Datasource to read.")
    dimensions: list[str] = strawberry.field(
        default_factory=list, description="Columns to group by."
    )
    aggregates: list[AggregateInput] = strawberry.field(
        default_factory=list, description="Aggregates per group."
    )
    granularity: GranularityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Time bucket (business time zone); none for no time grouping."
    )
    date_from: date | None = strawberry.field(default=None, description="First day, included.")
    date_to: date | None = strawberry.field(default=None, description="Last day, included.")
    filters: list[ColumnFilterInput] = strawberry.field(
        default_factory=list, description="Value filters on any columns."
    )
    limit: int | None = strawberry.field(
        default=None, description="Maximum rows (default 1000, at most 10000)."
    )
