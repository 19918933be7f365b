import pytest

from mauzo_query_api.sql.kpis import Kpis, growth


def test_net_sales_profit_and_margin_follow_the_sales_model() -> None:
    k = Kpis.from_row(
        {
            "gross_revenue": 1000.0,
            "returns_value": -200.0,
            "cost": 500.0,
            "cost_lines": 3,
            "invoices": 2,
            "invoice_lines": 3,
            "sale_lines": 2,
            "customers": 2,
            "lines": 3,
        }
    )
    assert k.net_sales == 800.0
    assert k.gross_profit == 300.0
    assert k.gross_margin == pytest.approx(0.375)
    assert k.transactions == 2
    assert k.average_transaction_value == 400.0
    assert k.return_rate == pytest.approx(0.2)


def test_no_cost_data_makes_profit_and_margin_null() -> None:
    k = Kpis.from_row({"gross_revenue": 10.0, "returns_value": 0.0, "cost": None, "cost_lines": 0})
    assert k.cost is None
    assert k.gross_profit is None
    assert k.gross_margin is None


def test_zero_net_sales_makes_margin_null_but_keeps_profit() -> None:
    k = Kpis.from_row(
        {"gross_revenue": 50.0, "returns_value": -50.0, "cost": 20.0, "cost_lines": 2}
    )
    assert k.net_sales == 0
    assert k.gross_profit == -20.0
    assert k.gross_margin is None


def test_transactions_fall_back_to_sale_lines_without_invoice_ids() -> None:
    k = Kpis.from_row({"gross_revenue": 1.0, "invoices": 0, "invoice_lines": 0, "sale_lines": 7})
    assert k.transactions == 7
    assert Kpis.from_row({"gross_revenue": 1.0, "sale_lines": 4}).transactions == 4


def test_an_empty_selection_is_zero_with_null_ratios() -> None:
    k = Kpis.empty()
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
