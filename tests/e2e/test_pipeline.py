"""A dropped CSV flows through every real process into olap-lite and out of GraphQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

OVERVIEW = """
query Overview($filter: SalesFilterInput!) {
  salesOverview(filter: $filter) {
    netSales grossProfit grossMargin transactions unitsSold uniqueCustomers
  }
}
"""


def write_sales_csv(path: Path) -> pl.DataFrame:
    """1 000 lines over three Nairobi days, with returns, written by hand for this test."""
    branches = ["Nairobi CBD", "Mombasa", "Kisumu"]
    rows = []
    for i in range(1000):
        day = 10 + i % 3
        hour = i % 24  # includes 00:00-02:59 local, which is the previous UTC day
        is_return = i % 37 == 0
        quantity = (i % 7 + 1) * (-1 if is_return else 1)
        amount = round(quantity * (50 + i % 13 * 10.5), 2)
        rows.append(
            {
                "time": f"2025-03-{day:02d} {hour:02d}:{i % 60:02d}:00",
                "branch": branches[i % 3 if i % 5 else (i + 1) % 3],
                "product": f"Product {i % 17}",
                "product_line": f"Line {i % 4}",
                "salesperson": f"Rep {i % 6}",
                "customer": f"Customer {i % 45}",
                "invoice_id": f"INV-{i // 3}",
                "quantity": quantity,
                "amount": amount,
                "cost": round(amount * 0.8, 2),
            }
        )
    frame = pl.DataFrame(rows)
    frame.write_csv(path)
    return frame


def expected_overview(frame: pl.DataFrame) -> dict[str, float]:
    net = frame["amount"].sum()
    profit = net - frame["cost"].sum()
    return {
        "netSales": net,
        "grossProfit": profit,
        "grossMargin": profit / net,
        "transactions": frame["invoice_id"].n_unique(),
        "unitsSold": frame.filter(pl.col("quantity") > 0)["quantity"].sum(),
        "uniqueCustomers": frame["customer"].n_unique(),
    }


def assert_overview(actual: dict[str, float], expected: dict[str, float]) -> None:
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value, rel=1e-9, abs=1e-6), key


def test_dropped_csv_is_answered_by_sales_overview(stack: RunningStack, tmp_path: Path) -> None:
    frame = write_sales_csv(tmp_path / "march sales.csv")
    accepted = stack.upload(tmp_path / "march sales.csv", "sales")
    status = stack.wait_for_task(accepted["task_id"])
    assert status["state"] == "succeeded", status
    assert status["rows_ingested"] == frame.height

    everything = {"dateFrom": "2025-03-10", "dateTo": "2025-03-12", "branches": []}
    overview = stack.graphql(OVERVIEW, {"filter": everything})["salesOverview"]
    assert_overview(overview, expected_overview(frame))

    # One Nairobi day and one branch: the end day is included, local midnight is respected.
    local_day = pl.col("time").str.slice(0, 10).str.to_date()
    subset = frame.filter((local_day == date(2025, 3, 11)) & (pl.col("branch") == "Mombasa"))
    one_day = {"dateFrom": "2025-03-11", "dateTo": "2025-03-11", "branches": ["Mombasa"]}
    overview = stack.graphql(OVERVIEW, {"filter": one_day})["salesOverview"]
    assert_overview(overview, expected_overview(subset))


def test_rejected_file_loads_nothing_and_says_why(stack: RunningStack, tmp_path: Path) -> None:
    bad = tmp_path / "no_time.csv"
    bad.write_text("branch,amount\nNairobi CBD,100\n")
    accepted = stack.upload(bad, "sales")
    status = stack.wait_for_task(accepted["task_id"])
    assert status["state"] == "rejected"
    assert status["error"]["code"]
    assert status["error"]["message"]
    assert stack.all_healthy()
