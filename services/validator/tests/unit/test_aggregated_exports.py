"""Aggregated exports (store x week totals, no invoice or line id) load as they are."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from conftest import Run

from mauzo_validator.pipeline import Validated


def weekly_totals(weeks: int = 30, stores: int = 4) -> tuple[bytes, Decimal]:
    """A retailer's weekly sales per store and department, the shape of public store datasets."""
    rng = random.Random(11)
    lines = ["Store,Dept,Date,Weekly_Sales,IsHoliday"]
    total = Decimal(0)
    for week in range(weeks):
        day = date(2024, 1, 5) + timedelta(weeks=week)
        for store in range(1, stores + 1):
            for dept in (1, 2):
                sales = Decimal(rng.randint(-50_000, 5_000_000)) / 100
                total += sales
                lines.append(f"{store},{dept},{day.isoformat()},{sales},{week % 9 == 0}")
    return ("\n".join(lines) + "\n").encode(), total


def test_store_by_week_totals_load_with_the_exact_total(run: Run) -> None:
    data, total = weekly_totals()
    outcome, store = run(data)
    assert isinstance(outcome, Validated), outcome
    frame = pl.read_parquet(store.path(outcome.processed_keys[0]))
    exact = sum(
        (Decimal(repr(v)).quantize(Decimal("0.01")) for v in frame["gross_revenue"]), Decimal(0)
    ) + sum(
        (Decimal(repr(v)).quantize(Decimal("0.01")) for v in frame["returns_value"]), Decimal(0)
    )
    assert exact == total
    assert frame["invoice_id"].null_count() == frame.height  # no ids are made up
    assert outcome.mapping["branch"] == "Store"
    assert outcome.mapping["amount"] == "Weekly_Sales"
