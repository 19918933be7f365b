"""The KPI formulas (docs/sales-model.md#kpi-definitions), applied to one SQL row's raw sums.

SQL only sums and counts; every ratio, null rule and growth is computed here, once, so the
GraphQL and REST answers share one definition:
- net_sales = Σ gross_revenue + Σ returns_value
- gross_profit = net_sales − Σ cost, null when the selection has no cost data
- gross_margin = gross_profit / net_sales, null when net_sales = 0 or gross_profit is null
- transactions = exact distinct invoice_id when there are invoice ids, else null with a reason
  (an aggregated export's rows are not invoices)
- average_transaction_value = net_sales / transactions, null with transactions
- return_rate = −Σ returns_value / Σ gross_revenue
- growth = (current − previous) / |previous|, null when previous is 0 or missing
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mauzo_common.sales_model import Metric
from mauzo_query_api.sql.money import from_scaled, round_money

NO_INVOICE_IDS = (
    "transactions and average transaction value are null: the selected rows carry no invoice "
    "ids (an aggregated export), so rows cannot be counted as transactions"
)


def _float(value: Any) -> float:
    return float(value) if value is not None else 0.0


Number = float | int | Decimal


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _optional_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def ratio(numerator: Number | None, denominator: Number | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def growth(current: Number | None, previous: Number | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    current, previous = float(current), float(previous)
    return (current - previous) / abs(previous)


@dataclass(frozen=True)
class Kpis:
    gross_revenue: Decimal
    """Money is exact: the engine sums scaled integers (money.py)."""
    returns_value: Decimal
    cost: Decimal | None
    units_sold: float
    units_returned: float
    transactions: int | None
    unique_customers: int
    lines: int
    currency: str
    unique_products: int | None = None
    unique_branches: int | None = None
    unique_salespeople: int | None = None

    @property
    def net_sales(self) -> Decimal:
        return self.gross_revenue + self.returns_value

    @property
    def notes(self) -> list[str]:
        """Why a KPI is null when the data, not the arithmetic, leaves it out."""
        return [NO_INVOICE_IDS] if self.transactions is None else []

    def money(self, value: Decimal | None) -> float | None:
        """Rounded half up to the currency's minor unit (docs/sales-model.md#money-and-currency)."""
        return None if value is None else round_money(value, self.currency)

    @property
    def gross_profit(self) -> Decimal | None:
        return None if self.cost is None else self.net_sales - self.cost

    @property
    def gross_margin(self) -> float | None:
        return ratio(self.gross_profit, self.net_sales)

    @property
    def average_transaction_value(self) -> Decimal | None:
        if not self.transactions:
            return None
        return self.net_sales / self.transactions

    @property
    def return_rate(self) -> float | None:
        return ratio(-self.returns_value, self.gross_revenue)

    @property
    def average_price(self) -> Decimal | None:
        """Gross revenue per unit sold."""
        if not self.units_sold:
            return None
        return self.gross_revenue / Decimal(repr(self.units_sold))

    @classmethod
    def from_row(cls, row: Mapping[str, Any], currency: str) -> Kpis:
        has_cost = _int(row.get("cost_lines")) > 0
        transactions: int | None = _int(row.get("invoices"))
        if _int(row.get("invoice_lines")) == 0 and _int(row.get("lines")) > 0:
            transactions = None  # rows without invoice ids are not transactions
        return cls(
            gross_revenue=from_scaled(row.get(Metric.GROSS_REVENUE)),
            returns_value=from_scaled(row.get(Metric.RETURNS_VALUE)),
            cost=from_scaled(row.get(Metric.COST)) if has_cost else None,
            units_sold=_float(row.get(Metric.UNITS_SOLD)),
            units_returned=_float(row.get(Metric.UNITS_RETURNED)),
            transactions=transactions,
            unique_customers=_int(row.get("customers")),
            lines=_int(row.get("lines")),
            unique_products=_optional_int(row.get("products")),
            unique_branches=_optional_int(row.get("branches")),
            unique_salespeople=_optional_int(row.get("salespeople")),
            currency=currency,
        )

    @classmethod
    def empty(cls, currency: str) -> Kpis:
        return cls.from_row({}, currency)
