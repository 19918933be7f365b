"""Every real export in ../shared/data/real goes through the whole stack with the right totals.

The expected figures are computed here, independently, with Polars from the raw bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest

from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"

QUERY = """
query Real($filter: SalesFilterInput!, $ds: String!) {
  salesOverview(filter: $filter, datasource: $ds) { netSales transactions }
}
"""


def exact_net(lines: pl.Series) -> float:
    """The lines' total as the API shows money: summed exactly (each line to 1/10 000th, as
    stored), then rounded half up to KES cents."""
    total = sum((Decimal(repr(v)).quantize(Decimal("0.0001")) for v in lines), Decimal(0))
    return float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def superstore(raw: pl.DataFrame) -> tuple[pl.Series, pl.Series, pl.Series]:
    dates = raw["Order Date"].str.to_date("%m/%d/%Y")
    return dates, raw["Sales"].cast(pl.Float64), raw["Order ID"]


def supermarket(raw: pl.DataFrame) -> tuple[pl.Series, pl.Series, pl.Series]:
    # `Total` includes 5 % tax: net sales are unit price x quantity.
    dates = raw["Date"].str.to_date("%m/%d/%Y")
    net = raw["Unit price"].cast(pl.Float64) * raw["Quantity"].cast(pl.Float64)
    return dates, net, raw["Invoice ID"]


def online_retail(raw: pl.DataFrame) -> tuple[pl.Series, pl.Series, pl.Series]:
    dates = raw["InvoiceDate"].str.to_datetime("%m/%d/%Y %H:%M").dt.date()
    net = raw["Quantity"].cast(pl.Float64) * raw["UnitPrice"].cast(pl.Float64)
    return dates, net, raw["InvoiceNo"]


CASES: dict[str, tuple[str, Callable[[pl.DataFrame], tuple[pl.Series, pl.Series, pl.Series]]]] = {
    "superstore": ("superstore__utf8_bom.csv", superstore),
    "supermarket": ("supermarket_sales__mdy_quoted.csv", supermarket),
    "online_retail": ("online_retail__sample_r_export.csv", online_retail),
}


@pytest.mark.parametrize("datasource", list(CASES))
def test_real_export_loads_with_the_right_dates_and_totals(
    stack: RunningStack, datasource: str
) -> None:
    name, expected_from = CASES[datasource]
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared real-data folder is not next to this checkout")
    raw = pl.read_csv(path.read_bytes(), infer_schema=False, encoding="utf8-lossy")
    dates, net, invoices = expected_from(raw)

    status = stack.wait_for_task(stack.upload(path, datasource)["task_id"], timeout=240)
    assert status["state"] == "succeeded", status
    assert status["rows_ingested"] == raw.height

    window = {"dateFrom": str(dates.min()), "dateTo": str(dates.max())}
    answer = stack.graphql(QUERY, {"filter": window, "ds": datasource})["salesOverview"]
    assert answer["netSales"] == exact_net(net)
    assert answer["transactions"] == invoices.n_unique()

    # The first local day alone: times were read as Nairobi wall-clock, not shifted a day.
    first = dates.min()
    one_day = {"dateFrom": str(first), "dateTo": str(first)}
    answer = stack.graphql(QUERY, {"filter": one_day, "ds": datasource})["salesOverview"]
    assert answer["netSales"] == exact_net(net.filter(dates == first))
