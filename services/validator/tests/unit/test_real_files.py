"""Real public sales exports load with the right dates and totals.

The expected figures are computed here independently with Polars from the raw bytes; the files
are read from ../shared/data/real beside the repository and never copied into it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from conftest import REAL_DATA, Run

from mauzo_validator.pipeline import Validated

NAIROBI = "Africa/Nairobi"


def real(name: str) -> bytes:
    path = REAL_DATA / name
    if not path.is_file():
        pytest.skip(f"real data file {path} is absent (../shared/data/real is not mounted)")
    return path.read_bytes()


def load(run: Run, data: bytes, name: str) -> tuple[Validated, pl.DataFrame]:
    outcome, store = run(data, name)
    assert isinstance(outcome, Validated), outcome
    return outcome, pl.read_parquet([store.path(k) for k in outcome.processed_keys])


def day_bounds(times: pl.Series) -> tuple[datetime, datetime]:
    """[first UTC day, day after the last UTC day) of business-local wall-clock times."""
    utc = times.dt.replace_time_zone(NAIROBI).dt.convert_time_zone("UTC")
    first: datetime = utc.min()  # type: ignore[assignment]
    last: datetime = utc.max()  # type: ignore[assignment]
    midnight = {"hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    return first.replace(**midnight), last.replace(**midnight) + timedelta(days=1)


def net(frame: pl.DataFrame) -> float:
    return float(frame["gross_revenue"].sum() + frame["returns_value"].sum())


def test_superstore_utf8_bom_with_profit_instead_of_cost(run: Run) -> None:
    data = real("superstore__utf8_bom.csv")
    raw = pl.read_csv(data, infer_schema_length=0).rename(lambda c: c.lstrip("\ufeff"))
    sales = raw["Sales"].cast(pl.Float64)
    profit = raw["Profit"].cast(pl.Float64)
    dates = raw["Order Date"].str.strptime(pl.Datetime("ms"), "%m/%d/%Y")
    outcome, frame = load(run, data, "superstore.csv")
    assert outcome.row_count == raw.height == 9994
    assert net(frame) == pytest.approx(float(sales.sum()))
    assert float(frame["cost"].sum()) == pytest.approx(float((sales - profit).sum()))
    assert (outcome.interval_start, outcome.interval_end) == day_bounds(dates)
    assert frame["product"].null_count() == 0
    assert frame["customer"].n_unique() == raw["Customer Name"].n_unique()


def test_supermarket_with_separate_date_and_time_and_tax_inclusive_total(run: Run) -> None:
    data = real("supermarket_sales__mdy_quoted.csv")
    raw = pl.read_csv(data)
    pre_tax = (raw["Unit price"] * raw["Quantity"]).sum()
    stamps = (raw["Date"] + " " + raw["Time"]).str.strptime(pl.Datetime("ms"), "%m/%d/%Y %H:%M:%S")
    outcome, frame = load(run, data, "supermarket.csv")
    assert outcome.row_count == raw.height == 1000
    assert net(frame) == pytest.approx(float(pre_tax))
    assert float(frame["tax"].sum()) == pytest.approx(float(raw["Tax 5%"].sum()))
    assert frame["cost"].null_count() == frame.height, "cogs here is pre-tax sales, not a cost"
    expected = stamps.dt.replace_time_zone(NAIROBI).dt.convert_time_zone("UTC").sort()
    assert frame["__time"].sort().to_list() == expected.to_list()
    assert (outcome.interval_start, outcome.interval_end) == day_bounds(stamps)


def test_online_retail_r_export_with_returns_and_na(run: Run) -> None:
    data = real("online_retail__sample_r_export.csv")
    raw = pl.read_csv(data, null_values=["NA"])
    line = raw["Quantity"].cast(pl.Float64) * raw["UnitPrice"].cast(pl.Float64)
    returns = raw.filter(pl.col("Quantity") < 0)
    stamps = raw["InvoiceDate"].str.strptime(pl.Datetime("ms"), "%m/%d/%Y %H:%M")
    outcome, frame = load(run, data, "online_retail.csv")
    assert outcome.row_count == raw.height == 2709
    assert net(frame) == pytest.approx(float(line.sum()))
    assert float(frame["returns_value"].sum()) == pytest.approx(
        float((returns["Quantity"] * returns["UnitPrice"]).sum())
    )
    assert float(frame["units_returned"].sum()) == -float(returns["Quantity"].sum())
    assert frame["customer"].null_count() == raw["CustomerID"].null_count()
    assert (outcome.interval_start, outcome.interval_end) == day_bounds(stamps)
