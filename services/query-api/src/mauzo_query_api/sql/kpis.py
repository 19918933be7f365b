"""The KPI formulas (docs/sales-model.md#kpi-definitions), applied to one SQL row's raw sums.

SQL only sums and counts; every ratio, null rule and growth is computed here, once, so the
GraphQL and REST answers share one definition:
- net_sales = Σ gross_revenue + Σ returns_value
- gross_profit = net_sales − Σ cost, null when the selection has no cost data
- gross_margin = gross_profit / net_sales, null when net_sales = 0 or gross_profit is null
- transactions = exact distinct invoice_id when there are invoice ids, else the sale lines
- average_transaction_value = net_sales / transactions
- return_rate = −Σ returns_value / Σ gross_revenue
- growth = (current − previous) / |previous|, null when previous is 0 or missing
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mauzo_common.sales_model import Metric


def _float(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _optional_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def growth(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)


@dataclass(frozen=True)
class Kpis:
    gross_revenue: float
    returns_value: float
    cost: float | None
    units_sold: float
    units_returned: float
    transactions: int
    unique_customers: int
    lines: int
    unique_products: int | None = None
    unique_branches: int | None = None
    unique_salespeople: int | None = None

    @property
    def net_sales(self) -> float:
        return self.gross_revenue + self.returns_value

    @property
    def gross_profit(self) -> float | None:
        return None if self.cost is None else self.net_sales - self.cost

    @property
    def gross_margin(self) -> float | None:
        return ratio(self.gross_profit, self.net_sales)

    @property
    def average_transaction_value(self) -> float | None:
        return ratio(self.net_sales, self.transactions)

    @property
    def return_rate(self) -> float | None:
        return ratio(-self.returns_value, self.gross_revenue)

    @property
    def average_price(self) -> float | None:
        """Gross revenue per unit sold."""
        return ratio(self.gross_revenue, self.units_sold)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Kpis:
        has_cost = _int(row.get("cost_lines")) > 0
        if _int(row.get("invoice_lines")) > 0:
            transactions = _int(row.get("invoices"))
        else:
            transactions = _int(row.get("sale_lines"))
        return cls(
            gross_revenue=_float(row.get(Metric.GROSS_REVENUE)),
            returns_value=_float(row.get(Metric.RETURNS_VALUE)),
            cost=_float(row.get(Metric.COST)) if has_cost else None,
            units_sold=_float(row.get(Metric.UNITS_SOLD)),
            units_returned=_float(row.get(Metric.UNITS_RETURNED)),
            transactions=transactions,
            unique_customers=_int(row.get("customers")),
            lines=_int(row.get("lines")),
            unique_products=_optional_int(row.get("products")),
            unique_branches=_optional_int(row.get("branches")),
            unique_salespeople=_optional_int(row.get("salespeople")),
        )

    @classmethod
    def empty(cls) -> Kpis:
        return cls.from_row({})
