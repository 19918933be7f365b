"""The sales model: the columns every loaded sales datasource has, and the role of each.

One row is one sale or return line. The validator writes these columns, spec-builder and
task-tracker load and reindex them, and query-api builds its SQL from these names, so a column
is renamed here or nowhere. What each column and KPI means: docs/sales-model.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

ColumnRole = Literal["time", "dimension", "metric"]

TIME = "__time"  # Druid's time column: UTC, milliseconds
UPLOAD_ID = "upload_id"  # the task that loaded the row, so one upload can be retracted


class Dimension(StrEnum):
    BRANCH = "branch"
    REGION = "region"
    PRODUCT = "product"
    PRODUCT_LINE = "product_line"
    ITEM_GROUP = "item_group"
    SALESPERSON = "salesperson"
    CUSTOMER = "customer"
    INVOICE_ID = "invoice_id"  # groups lines into transactions


class Metric(StrEnum):
    GROSS_REVENUE = "gross_revenue"  # >= 0; 0 on a return line
    RETURNS_VALUE = "returns_value"  # <= 0; 0 on a sale line
    UNITS_SOLD = "units_sold"
    UNITS_RETURNED = "units_returned"
    COST = "cost"  # null when the source has no cost: never estimated
    DISCOUNT = "discount"
    TAX = "tax"


# Written on every row, null when the source lacks them; region and item_group only when mapped.
ALWAYS_DIMENSIONS = (
    Dimension.BRANCH,
    Dimension.PRODUCT,
    Dimension.PRODUCT_LINE,
    Dimension.SALESPERSON,
    Dimension.CUSTOMER,
    Dimension.INVOICE_ID,
)
METRICS = (
    Metric.GROSS_REVENUE,
    Metric.RETURNS_VALUE,
    Metric.UNITS_SOLD,
    Metric.UNITS_RETURNED,
    Metric.COST,
)
OPTIONAL_METRICS = (Metric.DISCOUNT, Metric.TAX)  # only when the source has them
CANONICAL = frozenset({TIME, UPLOAD_ID, *Dimension, *Metric})
_DIMENSIONS = frozenset(Dimension)
_METRICS = frozenset(Metric)


def role_of(column: str) -> ColumnRole | None:
    """The role of a canonical column; None for a column the model does not define (an extra)."""
    if column == TIME:
        return "time"
    if column == UPLOAD_ID or column in _DIMENSIONS:
        return "dimension"
    if column in _METRICS:
        return "metric"
    return None
