"""Documented GraphQL argument types shared by the Query fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mauzo_query_api.graphql.inputs import (
    DimensionEnum,
    GranularityEnum,
    MeasureEnum,
    ProductGrouping,
    RankDirection,
    SalesFilterInput,
    SalesTargetInput,
)

DatasourceArg = Annotated[
    str | None, strawberry.argument(description="Datasource to read; the default if omitted.")
]
FilterArg = Annotated[
    SalesFilterInput | None,
    strawberry.argument(description="Date range and dimension filters; all data if omitted."),
]
LimitArg = Annotated[
    int | None, strawberry.argument(description="Maximum rows (default 1000, at most 10000).")
]
TargetsArg = Annotated[
    list[SalesTargetInput] | None,
    strawberry.argument(description="Targets per salesperson for the period."),
]
GranularityArg = Annotated[
    GranularityEnum,  # type: ignore[valid-type]
    strawberry.argument(description="Bucket size, cut in the business time zone."),
]
OrderArg = Annotated[
    MeasureEnum,  # type: ignore[valid-type]
    strawberry.argument(description="Measure the rows are ranked by."),
]
DirectionArg = Annotated[
    RankDirection, strawberry.argument(description="TOP: highest first; BOTTOM: lowest first.")
]
GroupingArg = Annotated[
    ProductGrouping, strawberry.argument(description="Rank products, product lines or item groups.")
]
DimensionArg = Annotated[
    DimensionEnum,  # type: ignore[valid-type]
    strawberry.argument(description="Dimension to group by."),
]
RowsArg = Annotated[
    DimensionEnum,  # type: ignore[valid-type]
    strawberry.argument(description="Dimension of the matrix rows."),
]
ColumnsArg = Annotated[
    DimensionEnum,  # type: ignore[valid-type]
    strawberry.argument(description="Dimension of the matrix columns."),
]
MeasureArg = Annotated[
    MeasureEnum,  # type: ignore[valid-type]
    strawberry.argument(description="Measure shown in each cell."),
]
CompareArg = Annotated[
    bool, strawberry.argument(description="Also compute the previous period of the same length.")
]
