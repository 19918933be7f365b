"""Order exports with a status column: cancelled lines are no sales, returned ones are returns,
pending ones load and are reported; an option replaces the rule (status.py)."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from conftest import NOW, Run, uploaded

from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Keys, Validated, validate_upload
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.status import StatusRule

STATUSES = ["Delivered", "Cancelled", "Void", "Returned", "Pending", "Shipped", "Refunded"]


def order_export(
    rows: int = 140, seed: int = 3
) -> tuple[bytes, dict[str, Decimal], dict[str, int]]:
    """An e-commerce order export; returns bytes, the total and row count per status."""
    rng = random.Random(seed)
    lines = ["Order ID,Order Date,Order Status,Product,Qty,Order Value"]
    totals: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for i in range(rows):
        status = STATUSES[i % len(STATUSES)]
        value = Decimal(rng.randint(100, 500_000)) / 100
        totals[status] = totals.get(status, Decimal(0)) + value
        counts[status] = counts.get(status, 0) + 1
        lines.append(f"ORD-{i},2024-05-{1 + i % 28:02d},{status},Item {i % 9},{1 + i % 3},{value}")
    return ("\n".join(lines) + "\n").encode(), totals, counts


def exact(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def loaded(store: LocalObjectStore, outcome: Validated) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(store.path(k)) for k in outcome.processed_keys])


def report(store: LocalObjectStore) -> dict:  # type: ignore[type-arg]
    return json.loads(store.get_bytes(Keys.of("sales", "task1").report))  # type: ignore[no-any-return]


def test_cancelled_are_left_out_returned_are_returns_pending_load(run: Run) -> None:
    data, totals, counts = order_export()
    outcome, store = run(data)
    assert isinstance(outcome, Validated), outcome
    frame = loaded(store, outcome)
    sales = sum((totals[s] for s in ("Delivered", "Shipped", "Pending")), Decimal(0))
    returns = totals["Returned"] + totals["Refunded"]
    assert exact(frame["gross_revenue"].sum()) == sales
    assert exact(frame["returns_value"].sum()) == -returns
    excluded = counts["Cancelled"] + counts["Void"]
    assert outcome.row_count == sum(counts.values()) - excluded
    quality = report(store)
    assert quality["rows_excluded"] == excluded
    assert quality["statuses"]["column"] == "Order Status"
    assert quality["statuses"]["counts"]["Pending"] == {
        "rows": counts["Pending"],
        "loaded_as": "sale (status not known)",
    }
    assert quality["statuses"]["counts"]["Void"]["loaded_as"] == "excluded"
    assert "cancelled" in quality["statuses"]["rule"]
    assert any("left out of the sales" in w for w in quality["warnings"])
    assert "order_status" in frame.columns  # still there to filter on


def test_an_option_replaces_the_rule(tmp_path: Path) -> None:
    data, totals, counts = order_export()
    store = LocalObjectStore(tmp_path / "objects")
    event = uploaded(store, data, "orders.csv", "task1").model_copy(
        update={"options": {"excluded_statuses": "cancelled, void, pending", "return_statuses": ""}}
    )
    settings = ValidatorSettings(object_store_root=tmp_path / "objects")
    outcome = validate_upload(store, event, "task1", settings, now=NOW)
    assert isinstance(outcome, Validated), outcome
    frame = loaded(store, outcome)
    kept = ("Delivered", "Shipped", "Returned", "Refunded")
    assert exact(frame["gross_revenue"].sum()) == sum((totals[s] for s in kept), Decimal(0))
    assert frame["returns_value"].sum() == 0
    assert outcome.row_count == sum(counts[s] for s in kept)


def test_a_column_merely_named_status_is_not_an_order_status(run: Run) -> None:
    data = b"Date,Customer Status,Sales\n2024-01-01,Gold,10\n2024-01-02,Silver,12\n"
    outcome, store = run(data)
    assert isinstance(outcome, Validated)
    assert report(store)["statuses"] is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [("Cancelled by customer", "excluded"), ("Partially Refunded", "return"),
     ("SHIPPED", "sale"), ("On hold", "other"), ("payment_failed", "excluded")],
)  # fmt: skip
def test_statuses_are_read_by_their_words(status: str, kind: str) -> None:
    got = pl.select(StatusRule().classify(pl.lit(status))).item()
    assert got == kind
