"""Measures: the aggregates one KPI row needs, and each rankable measure as a SQL expression.

Only columns the datasource really has are referenced; an optional column (cost, invoice_id,
customer, units) that is absent simply leaves its aggregate out, and kpis.py reads the gap as
"no data" (cost → profit null; invoice_id → transactions null).
"""

from __future__ import annotations

import enum

from mauzo_common.sales_model import Dimension, Metric
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.olap.catalog import DatasourceSchema
from mauzo_query_api.sql.money import scaled_sum

REVENUE, RETURNS, COST = Metric.GROSS_REVENUE, Metric.RETURNS_VALUE, Metric.COST
SOLD, RETURNED = Metric.UNITS_SOLD, Metric.UNITS_RETURNED
INVOICE, CUSTOMER = Dimension.INVOICE_ID, Dimension.CUSTOMER
REQUIRED_METRICS = (REVENUE, RETURNS)


class Measure(enum.Enum):
    NET_SALES = "net_sales"
    GROSS_REVENUE = "gross_revenue"
    RETURNS_VALUE = "returns_value"
    COST = "cost"
    GROSS_PROFIT = "gross_profit"
    GROSS_MARGIN = "gross_margin"
    UNITS_SOLD = "units_sold"
    UNITS_RETURNED = "units_returned"
    TRANSACTIONS = "transactions"
    UNIQUE_CUSTOMERS = "unique_customers"
    RETURN_RATE = "return_rate"
    AVERAGE_TRANSACTION_VALUE = "average_transaction_value"


def kpi_aggregates(
    schema: DatasourceSchema, *, distinct: tuple[str, ...] = (), customers: bool = True
) -> list[tuple[str, str]]:
    """(alias, expression) pairs for every raw sum/count a Kpis row needs; without `customers`
    the exact distinct count of customers is left out (the caller shows no customer count)."""
    return plain_aggregates(schema) + distinct_counts(schema, distinct, customers)


def plain_aggregates(schema: DatasourceSchema) -> list[tuple[str, str]]:
    """The sums and counts of a Kpis row: everything but its exact distinct counts."""
    for metric in REQUIRED_METRICS:
        if not schema.has(metric):
            raise InvalidArgument(
                f"datasource {schema.name!r} is not sales-shaped: it has no {metric} column"
            )
    col = schema.column
    out = [
        (REVENUE.value, scaled_sum(col(REVENUE))),
        (RETURNS.value, scaled_sum(col(RETURNS))),
        ("lines", "COUNT(*)"),
    ]
    for metric in (SOLD, RETURNED):
        if schema.has(metric):
            out.append((metric.value, f"SUM({col(metric)})"))
    if schema.has(COST):
        out += [(COST.value, scaled_sum(col(COST))), ("cost_lines", f"COUNT({col(COST)})")]
    if schema.has(INVOICE):
        out.append(("invoice_lines", f"COUNT({col(INVOICE)})"))
    out.append(("sale_lines", f"COUNT(*) FILTER (WHERE {sale_line_condition(schema)})"))
    return out


def distinct_counts(
    schema: DatasourceSchema, distinct: tuple[str, ...] = (), customers: bool = True
) -> list[tuple[str, str]]:
    """The exact distinct counts of a Kpis row: invoices, customers and the `distinct` columns."""
    col = schema.column
    out = []
    if schema.has(INVOICE):
        out.append(("invoices", f"COUNT(DISTINCT {col(INVOICE)})"))
    if customers and schema.has(CUSTOMER):
        out.append(("customers", f"COUNT(DISTINCT {col(CUSTOMER)})"))
    aliases: dict[str, str] = {
        Dimension.PRODUCT: "products",
        Dimension.BRANCH: "branches",
        Dimension.SALESPERSON: "salespeople",
    }
    for column in distinct:
        if schema.has(column):
            out.append((aliases[column], f"COUNT(DISTINCT {col(column)})"))
    return out


def sale_line_condition(schema: DatasourceSchema) -> str:
    """A sale line is one that returns nothing (returns_value = 0 and no units returned)."""
    condition = f"{schema.column(RETURNS)} = 0"
    if schema.has(RETURNED):
        condition += f" AND {schema.column(RETURNED)} = 0"
    return condition


def measure_expression(schema: DatasourceSchema, measure: Measure) -> str:
    """The measure over one group, as SQL.

    NULL where docs/sales-model.md#kpi-definitions says the value is null.
    """
    col = schema.column
    net = f"(SUM({col(REVENUE)}) + SUM({col(RETURNS)}))"
    if measure is Measure.NET_SALES:
        return net
    if measure is Measure.GROSS_REVENUE:
        return f"SUM({col(REVENUE)})"
    if measure is Measure.RETURNS_VALUE:
        return f"SUM({col(RETURNS)})"
    if measure is Measure.RETURN_RATE:
        revenue = f"SUM({col(REVENUE)})"
        return f"CASE WHEN {revenue} <> 0 THEN -SUM({col(RETURNS)}) / {revenue} END"
    if measure in (Measure.COST, Measure.GROSS_PROFIT, Measure.GROSS_MARGIN):
        if not schema.has(COST):
            return "CAST(NULL AS DOUBLE)"
        cost = f"SUM({col(COST)})"
        known = f"COUNT({col(COST)}) > 0"
        if measure is Measure.COST:
            return f"CASE WHEN {known} THEN {cost} END"
        if measure is Measure.GROSS_PROFIT:
            return f"CASE WHEN {known} THEN {net} - {cost} END"
        return f"CASE WHEN {known} AND {net} <> 0 THEN ({net} - {cost}) / {net} END"
    if measure is Measure.UNITS_SOLD:
        return f"SUM({col(SOLD)})"
    if measure is Measure.UNITS_RETURNED:
        return f"SUM({col(RETURNED)})"
    if measure is Measure.UNIQUE_CUSTOMERS:
        return f"COUNT(DISTINCT {col(CUSTOMER)})"
    if not schema.has(INVOICE):
        return "CAST(NULL AS DOUBLE)"  # rows of an aggregated export are not transactions
    transactions = f"COUNT(DISTINCT {col(INVOICE)})"
    if measure is Measure.TRANSACTIONS:
        return transactions
    return f"CASE WHEN {transactions} <> 0 THEN {net} / {transactions} END"
