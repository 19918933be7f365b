"""GraphQL output types.

Every number follows docs/sales-model.md#kpi-definitions; null means "not available".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from mauzo_query_api.sql.kpis import Kpis


def doc(text: str) -> Any:
    return strawberry.field(description=text)


@strawberry.type(description="The sales KPIs of one selection (all, a period, group or bucket).")
class SalesKpis:
    net_sales: float = doc("Σ gross revenue + Σ returns value.")
    gross_revenue: float = doc("Σ value of sold goods.")
    returns_value: float = doc("Σ value of returned goods (≤ 0).")
    cost: float | None = doc("Σ cost of goods; null when the selection has no cost data.")
    gross_profit: float | None = doc("Net sales − Σ cost; null when there is no cost data.")
    gross_margin: float | None = doc(
        "Gross profit / net sales; null when net sales are 0 or gross profit is null."
    )
    transactions: int | None = doc(
        "Exact distinct invoice ids; null when the rows carry none (see notes)."
    )
    units_sold: float = doc("Σ units sold.")
    units_returned: float = doc("Σ units returned.")
    unique_customers: int = doc("Exact number of distinct customers.")
    average_transaction_value: float | None = doc("Net sales / transactions; null without any.")
    return_rate: float | None = doc("−Σ returns value / Σ gross revenue; null without revenue.")
    lines: int = doc("Number of sale and return lines in the selection.")
    currency: str = doc(
        "ISO 4217 code of every money amount here; amounts are rounded to its minor unit."
    )
    notes: list[str] = doc("Why a KPI is null when the data leaves it out (no invoice ids).")


def kpi_fields(k: Kpis) -> dict[str, Any]:
    return {
        "net_sales": k.money(k.net_sales),
        "gross_revenue": k.money(k.gross_revenue),
        "returns_value": k.money(k.returns_value),
        "cost": k.money(k.cost),
        "gross_profit": k.money(k.gross_profit),
        "gross_margin": k.gross_margin,
        "transactions": k.transactions,
        "units_sold": k.units_sold,
        "units_returned": k.units_returned,
        "unique_customers": k.unique_customers,
        "average_transaction_value": k.money(k.average_transaction_value),
        "return_rate": k.return_rate,
        "lines": k.lines,
        "currency": k.currency,
        "notes": k.notes,
    }


def sales_kpis(k: Kpis) -> SalesKpis:
    return SalesKpis(**kpi_fields(k))


@strawberry.type(description="An inclusive range of whole days in the business time zone.")
class Period:
    date_from: date = doc("First day, included.")
    date_to: date = doc("Last day, included.")


@strawberry.type(
    description="Change against the previous period: (current − previous) / |previous|; null when "
    "previous is 0 or missing."
)
class KpiGrowth:
    net_sales: float | None = doc("Growth of net sales.")
    gross_profit: float | None = doc("Growth of gross profit.")
    gross_margin: float | None = doc("Growth of gross margin (relative, not points).")
    transactions: float | None = doc("Growth of transactions.")
    units_sold: float | None = doc("Growth of units sold.")
    unique_customers: float | None = doc("Growth of unique customers.")
    average_transaction_value: float | None = doc("Growth of average transaction value.")


@strawberry.type(description="The overview page: KPIs of the filter, with the previous period.")
class SalesOverview(SalesKpis):
    unique_products: int | None = doc("Exact distinct products; null without a product column.")
    unique_branches: int | None = doc("Exact distinct branches; null without a branch column.")
    unique_salespeople: int | None = doc(
        "Exact distinct salespeople; null without a salesperson column."
    )
    period: Period | None = doc("The filtered period; null when the filter has no date range.")
    previous_period: Period | None = doc(
        "The period of the same length just before; null without a full date range."
    )
    previous: SalesKpis | None = doc("KPIs of the previous period; null without a date range.")
    growth: KpiGrowth | None = doc("Change against the previous period; null without one.")


@strawberry.type(description="One time bucket of a trend.")
class TrendPoint(SalesKpis):
    bucket: date = doc("First local day of the bucket.")
    start: datetime = doc("The bucket's start as a UTC instant.")
    net_sales_growth: float | None = doc("Net sales growth against the previous bucket.")
    gross_profit_growth: float | None = doc("Gross profit growth against the previous bucket.")


@strawberry.type(description="KPIs of one value of a dimension (a product, branch, customer ...).")
class GroupKpis(SalesKpis):
    key: str | None = doc("The dimension value; null for lines without one.")
    average_price: float | None = doc("Gross revenue per unit sold; null without units.")


@strawberry.type(description="One salesperson on the leaderboard.")
class SalespersonPerformance(GroupKpis):
    rank: int = doc("Position on the leaderboard, from 1.")
    unique_branches: int | None = doc("Distinct branches the salesperson sold in.")
    unique_products: int | None = doc("Distinct products the salesperson sold.")
    target: float | None = doc("The target given for this salesperson, if any.")
    attainment: float | None = doc("Net sales / target; null without a (non-zero) target.")


@strawberry.type(description="One branch with its change against the previous period.")
class BranchPerformance(GroupKpis):
    previous_net_sales: float | None = doc("Net sales in the previous period.")
    net_sales_growth: float | None = doc("Net sales growth against the previous period.")
    previous_gross_profit: float | None = doc("Gross profit in the previous period.")
    gross_profit_growth: float | None = doc("Gross profit growth against the previous period.")


@strawberry.type(description="The trend of one branch.")
class BranchTrend:
    branch: str | None = doc("Branch name.")
    points: list[TrendPoint] = doc("The branch's buckets in time order, gaps filled with zeros.")


@strawberry.type(description="A customer by value.")
class CustomerValue(GroupKpis):
    purchases: int | None = doc("Transactions of the customer (same rule as transactions).")
    first_purchase: datetime | None = doc("Time of the first purchase in the selection (UTC).")
    last_purchase: datetime | None = doc("Time of the last purchase in the selection (UTC).")
    recency_days: int | None = doc(
        "Days from the last purchase (local day) to the reference day: the filter's dateTo, "
        "else the last day in the data."
    )


@strawberry.type(description="Returns for the filter, total and by one dimension.")
class ReturnsBreakdown:
    total: SalesKpis = doc("KPIs of the whole selection.")
    rows: list[GroupKpis] = doc("One row per dimension value, biggest returns first.")


@strawberry.type(description="One cell of a two-dimension matrix (heatmap / mix).")
class MatrixCell:
    row: str | None = doc("Value of the row dimension.")
    column: str | None = doc("Value of the column dimension.")
    value: float | None = doc("The chosen measure for this pair; null where undefined.")
    kpis: SalesKpis = doc("All KPIs for this pair.")


@strawberry.type(description="The time span a datasource covers, read from the data.")
class DataRange:
    first: datetime | None = doc("Earliest __time (UTC); null when empty.")
    last: datetime | None = doc("Latest __time (UTC); null when empty.")
    first_date: date | None = doc("Local day of the earliest row.")
    last_date: date | None = doc("Local day of the latest row.")
    row_count: int = doc("Number of rows.")


@strawberry.type(description="Values each filter can take, read from the data (never hard-coded).")
class FilterOptions:
    branches: list[str] = doc("Distinct branches.")
    regions: list[str] = doc("Distinct regions (empty when the datasource has none).")
    product_lines: list[str] = doc("Distinct product lines.")
    item_groups: list[str] = doc("Distinct item groups (empty when the datasource has none).")
    products: list[str] = doc("Distinct products.")
    salespeople: list[str] = doc("Distinct salespeople.")
    customers: list[str] = doc("Distinct customers.")
    data_range: DataRange = doc("The datasource's time span.")


@strawberry.type(description="A column of a datasource.")
class ColumnDescription:
    name: str = doc("Column name as stored (snake_case).")
    type: str = doc("SQL type reported by the OLAP (VARCHAR, DOUBLE, BIGINT, TIMESTAMP ...).")
    role: str = doc("time, dimension or metric.")


@strawberry.type(description="A queryable datasource.")
class DatasourceInfo:
    name: str = doc("Datasource name.")
    columns: list[ColumnDescription] = doc("Its columns, time first.")
    data_range: DataRange = doc("Its time span and row count.")


@strawberry.type(description="Rows of an explore question, as a header and value arrays.")
class ExploreResult:
    columns: list[str] = doc(
        "Column names: bucket (local first day) when bucketed, the dimensions, then "
        "aggregates as function(column)."
    )
    rows: list[JSON] = doc("One array of values per row, in the order of `columns`.")
