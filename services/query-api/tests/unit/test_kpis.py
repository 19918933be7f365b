from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_query_api.sql.kpis import NO_INVOICE_IDS, Kpis, growth
from mauzo_query_api.sql.money import from_scaled


def test_net_sales_profit_and_margin_follow_the_sales_model() -> None:
    k = Kpis.from_row(
        {
            "gross_revenue": 1000_0000,  # engines sum money in 1/10 000ths (money.py)
            "returns_value": -200_0000,
            "cost": 500_0000,
            "cost_lines": 3,
            "invoices": 2,
            "invoice_lines": 3,
            "sale_lines": 2,
            "customers": 2,
            "lines": 3,
        },
        "KES",
    )
    assert k.net_sales == 800.0
    assert k.gross_profit == 300.0
    assert k.gross_margin == pytest.approx(0.375)
    assert k.transactions == 2
    assert k.average_transaction_value == 400.0
    assert k.return_rate == pytest.approx(0.2)


def test_no_cost_data_makes_profit_and_margin_null() -> None:
    k = Kpis.from_row(
        {"gross_revenue": 10_0000, "returns_value": 0, "cost": None, "cost_lines": 0}, "KES"
    )
    assert k.cost is None
    assert k.gross_profit is None
    assert k.gross_margin is None


def test_zero_net_sales_makes_margin_null_but_keeps_profit() -> None:
    k = Kpis.from_row(
        {"gross_revenue": 50_0000, "returns_value": -50_0000, "cost": 20_0000, "cost_lines": 2},
        "KES",
    )
    assert k.net_sales == 0
    assert k.gross_profit == -20.0
    assert k.gross_margin is None


def test_rows_without_invoice_ids_are_not_counted_as_transactions() -> None:
    row = {"gross_revenue": 1_0000, "invoices": 0, "invoice_lines": 0, "sale_lines": 7, "lines": 7}
    k = Kpis.from_row(row, "KES")
    assert k.transactions is None
    assert k.average_transaction_value is None
    assert k.notes == [NO_INVOICE_IDS]
    assert Kpis.from_row({"gross_revenue": 1_0000, "lines": 4}, "KES").transactions is None


def test_money_is_exact_and_rounded_half_up_to_the_currencys_minor_unit() -> None:
    k = Kpis.from_row({"gross_revenue": 162492160400, "returns_value": -25, "lines": 1}, "KES")
    assert k.net_sales == Decimal("16249216.0375")
    assert repr(k.money(k.net_sales)) == "16249216.04"
    half = Kpis.from_row({"gross_revenue": 1184478250, "lines": 1}, "KES")
    assert half.money(half.net_sales) == 118447.83  # a double sum rounds this one down
    shillings = Kpis.from_row({"gross_revenue": 12346000, "lines": 1}, "UGX")
    assert shillings.money(shillings.net_sales) == 1235.0
    assert str(k.money(Decimal("-0.001"))) == "0.0"


@given(st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=4), max_size=50))
def test_scaled_sums_read_back_exactly(amounts: list[Decimal]) -> None:
    scaled = sum(int(a.scaleb(4)) for a in amounts)
    assert from_scaled(scaled) == sum(amounts, Decimal(0))


def test_an_empty_selection_is_zero_with_null_ratios() -> None:
    k = Kpis.empty("KES")
    assert (k.net_sales, k.transactions, k.unique_customers) == (0.0, 0, 0)
    assert k.gross_profit is None
    assert k.average_transaction_value is None
    assert k.return_rate is None


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (120.0, 100.0, 0.2),
        (80.0, 100.0, -0.2),
        (50.0, -100.0, 1.5),
        (5.0, 0.0, None),
        (5.0, None, None),
        (None, 5.0, None),
    ],
)
def test_growth_is_relative_to_the_absolute_previous_value(
    current: float | None, previous: float | None, expected: float | None
) -> None:
    assert growth(current, previous) == (pytest.approx(expected) if expected is not None else None)
