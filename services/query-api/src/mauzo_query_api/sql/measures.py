"""Measures: the aggregates one KPI row needs, and each rankable measure as a SQL expression.

Only columns the datasource really has are referenced; an optional column (cost, invoice_id,
customer, units) that is absent simply leaves its aggregate out, and kpis.py reads the gap as
"no data" (cost → profit null; invoice_id → transactions from sale lines).
"""

from __future__ import annotations

import enum

from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.olap.catalog import DatasourceSchema

REQUIRED_METRICS = ("gross_revenue", "returns_value")


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
    schema: DatasourceSchema, *, distinct: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(alias, expression) pairs for every raw sum/count a Kpis row needs."""
    for metric in REQUIRED_METRICS:
        if not schema.has(metric):
            raise InvalidArgument(
                f"datasource {schema.name!r} is not sales-shaped: it has no {metric} column"
            )
    col = schema.column
    out = [
        ("gross_revenue", f"SUM({col('gross_revenue')})"),
        ("returns_value", f"SUM({col('returns_value')})"),
        ("lines", "COUNT(*)"),
    ]
    for metric in ("units_sold", "units_returned"):
        if schema.has(metric):
            out.append((metric, f"SUM({col(metric)})"))
    if schema.has("cost"):
        out += [("cost", f"SUM({col('cost')})"), ("cost_lines", f"COUNT({col('cost')})")]
    if schema.has("invoice_id"):
        out += [
            ("invoices", f"COUNT(DISTINCT {col('invoice_id')})"),
            ("invoice_lines", f"COUNT({col('invoice_id')})"),
        ]
    out.append(("sale_lines", f"COUNT(*) FILTER (WHERE {sale_line_condition(schema)})"))
    if schema.has("customer"):
        out.append(("customers", f"COUNT(DISTINCT {col('customer')})"))
    aliases = {"product": "products", "branch": "branches", "salesperson": "salespeople"}
    for column in distinct:
        if schema.has(column):
            out.append((aliases[column], f"COUNT(DISTINCT {col(column)})"))
    return out


def sale_line_condition(schema: DatasourceSchema) -> str:
    """A sale line is one that returns nothing (returns_value = 0 and no units returned)."""
    condition = f"{schema.column('returns_value')} = 0"
    if schema.has("units_returned"):
        condition += f" AND {schema.column('units_returned')} = 0"
    return condition


def measure_expression(schema: DatasourceSchema, measure: Measure) -> str:
    """The measure over one group, as SQL.

    NULL where docs/sales-model.md#kpi-definitions says the value is null.
    """
    col = schema.column
    net = f"(SUM({col('gross_revenue')}) + SUM({col('returns_value')}))"
    if measure is Measure.NET_SALES:
        return net
    if measure is Measure.GROSS_REVENUE:
        return f"SUM({col('gross_revenue')})"
    if measure is Measure.RETURNS_VALUE:
        return f"SUM({col('returns_value')})"
    if measure is Measure.RETURN_RATE:
        revenue = f"SUM({col('gross_revenue')})"
        return f"CASE WHEN {revenue} <> 0 THEN -SUM({col('returns_value')}) / {revenue} END"
    if measure in (Measure.COST, Measure.GROSS_PROFIT, Measure.GROSS_MARGIN):
        if not schema.has("cost"):
            return "CAST(NULL AS DOUBLE)"
        cost = f"SUM({col('cost')})"
        known = f"COUNT({col('cost')}) > 0"
        if measure is Measure.COST:
            return f"CASE WHEN {known} THEN {cost} END"
        if measure is Measure.GROSS_PROFIT:
            return f"CASE WHEN {known} THEN {net} - {cost} END"
        return f"CASE WHEN {known} AND {net} <> 0 THEN ({net} - {cost}) / {net} END"
    if measure in (Measure.UNITS_SOLD, Measure.UNITS_RETURNED):
        return f"SUM({col(measure.value)})"
    if measure is Measure.UNIQUE_CUSTOMERS:
        return f"COUNT(DISTINCT {col('customer')})"
    transactions = (
        f"COUNT(DISTINCT {col('invoice_id')})"
        if schema.has("invoice_id")
        else f"COUNT(*) FILTER (WHERE {sale_line_condition(schema)})"
    )
    if measure is Measure.TRANSACTIONS:
        return transactions
    return f"CASE WHEN {transactions} <> 0 THEN {net} / {transactions} END"
