"""Quantity, unit price, cost, discount, tax, the date and the label roles found from evidence.

The exports are generated here in the shape public till and ERP exports take, with headers no
synonym lists; the expected totals are summed independently from the generated values.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from conftest import Run
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.labels import score_label
from mauzo_validator.mapping import propose_mapping
from mauzo_validator.measures import Known, score_measure
from mauzo_validator.pipeline import Keys, Rejected, Validated
from mauzo_validator.remembered import remember
from mauzo_validator.time_role import score_time_columns

HEADER = [
    "Date of Sale", "Outlet Name", "Sales Rep Name", "Item Desc", "Customer Full Name",
    "Receipt Number", "Qty (pcs)", "Unit Price KES", "Line Value KES", "Cost of Goods KES",
    "Output VAT KES", "Discount Given",
]  # fmt: skip


@dataclass
class Export:
    data: bytes
    totals: dict[str, Decimal] = field(default_factory=dict)
    people: set[str] = field(default_factory=set)
    receipts: set[str] = field(default_factory=set)


def till_export(header: list[str] = HEADER, rows: int = 60, seed: int = 3) -> Export:
    """A till export with every figure on the line; totals summed from the generated values."""
    rng = random.Random(seed)
    totals = dict.fromkeys(("amount", "quantity", "cost", "tax", "discount"), Decimal(0))
    lines, people, receipts, receipt = [",".join(f'"{h}"' for h in header)], set(), set(), 1000
    for i in range(rows):
        if rng.random() < 0.4:
            receipt += 1
        qty = rng.randint(1, 12)
        price = Decimal(rng.randint(50, 5000)) / 100
        value = qty * price
        cost = (value * Decimal("0.7")).quantize(Decimal("0.01"))
        vat = (value * Decimal("0.16")).quantize(Decimal("0.0001"))
        discount = Decimal(rng.choice([0, 0, 5, 10]))
        rep = f"Rep {rng.choice('ABC')}"
        people.add(rep)
        receipts.add(f"R{receipt}")
        totals["amount"] += value
        totals["quantity"] += qty
        totals["cost"] += cost
        totals["tax"] += vat
        totals["discount"] += discount
        cells = [
            f"2024-03-{1 + i % 28:02d}", f"Outlet {i % 4}", rep, f"Item {i % 9}",
            f"Customer {i % 7}", f"R{receipt}", str(qty), str(price), str(value), str(cost),
            str(vat), str(discount),
        ]  # fmt: skip
        lines.append(",".join(cells))
    return Export(("\n".join(lines) + "\n").encode(), totals, people, receipts)


def sample(export: Export) -> pl.DataFrame:
    return pl.read_csv(export.data, infer_schema_length=0)


def test_every_role_is_found_from_evidence_with_exact_totals(run: Run) -> None:
    export = till_export()
    outcome, store = run(export.data)
    assert isinstance(outcome, Validated), outcome
    frame = pl.read_parquet([store.path(k) for k in outcome.processed_keys])
    for metric, expected in (
        ("gross_revenue", "amount"),
        ("units_sold", "quantity"),
        ("cost", "cost"),
        ("tax", "tax"),
        ("discount", "discount"),
    ):
        assert Decimal(str(round(frame[metric].sum(), 4))) == export.totals[expected], metric
    assert set(frame["salesperson"].unique()) == export.people
    assert frame["branch"].n_unique() == 4
    assert frame["product"].n_unique() == 9
    assert frame["customer"].n_unique() == 7
    assert set(frame["invoice_id"].unique()) == export.receipts


def test_the_mapping_names_each_column_with_its_evidence() -> None:
    m = propose_mapping(sample(till_export()), day_first=True, decimal_comma=False)
    chosen = {k: v for k, v in m.as_flat().items() if v}
    assert chosen == {
        "time": "Date of Sale",
        "branch": "Outlet Name",
        "product": "Item Desc",
        "salesperson": "Sales Rep Name",
        "customer": "Customer Full Name",
        "invoice_id": "Receipt Number",
        "quantity": "Qty (pcs)",
        "unit_price": "Unit Price KES",
        "amount": "Line Value KES",
        "cost": "Cost of Goods KES",
        "tax": "Output VAT KES",
        "discount": "Discount Given",
    }
    assert "whole numbers (+1)" in m.evidence["quantity"]
    assert "equals quantity x unit price (+3)" in m.evidence["amount"]
    assert any("constant 16 % of the amount" in e for e in m.evidence["tax"])
    assert any("at most the amount" in e for e in m.evidence["cost"])
    assert any("repeated across lines" in e for e in m.evidence["invoice_id"])
    assert all(0.5 < m.confidence[role] < 1 for role in m.evidence)


def test_a_unit_price_is_checked_against_a_named_amount() -> None:
    frame = sample(till_export()).rename({"Line Value KES": "Amount"})
    m = propose_mapping(frame, day_first=True, decimal_comma=False)
    assert m.unit_price == "Unit Price KES"
    assert "amount = this x quantity on the lines (+2)" in m.evidence["unit_price"]


def test_the_headers_public_exports_use_load_with_exact_totals(run: Run) -> None:
    """Several of these are synonyms; 'Unit Price KES' is not, and the amount's name ('Line
    Note') says nothing: it is found as the column equal to quantity x unit price."""
    header = ["Order Date", "Store Name", "Sales Rep", "Item Description", "Customer Name",
              "Invoice", "Units Sold", "Unit Price KES", "Line Note", "COGS", "VAT 16%",
              "Discount"]  # fmt: skip
    export = till_export(header)
    outcome, store = run(export.data)
    assert isinstance(outcome, Validated), outcome
    frame = pl.read_parquet([store.path(k) for k in outcome.processed_keys])
    assert Decimal(str(round(frame["gross_revenue"].sum(), 4))) == export.totals["amount"]
    assert Decimal(str(round(frame["tax"].sum(), 4))) == export.totals["tax"]
    assert (outcome.mapping["amount"], outcome.mapping["unit_price"]) == (
        "Line Note",
        "Unit Price KES",
    )
    assert int(frame["units_sold"].sum()) == export.totals["quantity"]


def test_two_quantity_columns_are_a_warning_naming_the_rule(run: Run) -> None:
    data = (
        b"Order Date,Shop,Qty (pcs),Units Ordered,Amount\n"
        b"2024-01-02,A,2,2,10\n2024-01-03,B,3,4,12.5\n2024-01-04,A,1,1,3\n"
    )
    outcome, store = run(data)
    assert isinstance(outcome, Validated), outcome
    report = json.loads(store.get_bytes(Keys.of("sales", "task1").report))
    warning = next(w for w in report["warnings"] if w.startswith("Quantity:"))
    assert "'Units Ordered'" in warning
    assert "'Qty (pcs)'" in warning
    assert "highest evidence score wins, the rightmost on a tie" in warning


def test_a_date_column_that_does_not_qualify_is_named_with_its_evidence(run: Run) -> None:
    data = b"Day Logged,Store,Amount\n2024-01-02,A,10\nsoon,B,12\nlater,A,3\n2024-01-05,B,4\n"
    outcome, _ = run(data)
    assert isinstance(outcome, Rejected)
    assert "'Day Logged'" in outcome.error.message
    assert "only 50 % of cells" in outcome.error.message
    assert '"time": "Day Logged"' in outcome.error.hint


def test_the_remembered_mapping_wins_over_evidence(run: Run, tmp_path: Path) -> None:
    export = till_export()
    columns = sample(export).columns
    remembered = {"quantity": "Discount Given", "discount": "Qty (pcs)"}
    remember(LocalObjectStore(tmp_path / "objects"), "sales", columns, remembered, "task0")
    outcome, store = run(export.data)
    assert isinstance(outcome, Validated), outcome
    frame = pl.read_parquet([store.path(k) for k in outcome.processed_keys])
    assert Decimal(int(frame["units_sold"].sum())) == export.totals["discount"]
    assert Decimal(int(frame["discount"].sum())) == export.totals["quantity"]


def test_a_synonym_wins_over_a_better_scored_name() -> None:
    frame = sample(till_export()).rename({"Discount Given": "Qty"})
    m = propose_mapping(frame, day_first=True, decimal_comma=False)
    assert m.quantity == "Qty"
    assert "quantity" not in m.evidence


_QUALIFIERS = st.sampled_from(["", "Monthly", "KES", "Line", "Q3", "2024", "My", "Sold"])
_SEPARATORS = st.sampled_from(["_", " ", "-", ".", " (", ""])


def _named(qualifier: str, word: str, sep: str) -> str:
    """Without a separator only a change of case splits words, so "KESVAT" stays one word."""
    if not qualifier:
        return word
    return f"{qualifier}{sep}{word}" if sep else f"{qualifier.title()}{word.title()}"


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(_QUALIFIERS, _QUALIFIERS, _QUALIFIERS),
    _SEPARATORS,
    st.sampled_from(["Qty", "Units", "Pcs", "Quantity"]),
    st.sampled_from(["Price", "Unit Price", "Price Each"]),
    st.sampled_from(["Tax", "VAT", "GST"]),
)
def test_qualifiers_do_not_change_the_choice(
    qualifiers: tuple[str, str, str], sep: str, qty: str, price: str, tax: str
) -> None:
    q, p, t = qualifiers
    names = {
        "quantity": _named(q, qty, sep),
        "unit_price": _named(p, price, sep),
        "tax": _named(t, tax, sep),
    }
    frame = sample(till_export(rows=12)).rename(
        {
            "Qty (pcs)": names["quantity"],
            "Unit Price KES": names["unit_price"],
            "Output VAT KES": names["tax"],
        }
    )
    m = propose_mapping(frame, day_first=True, decimal_comma=False)
    assert (m.quantity, m.unit_price, m.tax) == (
        names["quantity"], names["unit_price"], names["tax"]
    )  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.permutations(HEADER), st.integers(min_value=0, max_value=10**6))
def test_shuffling_the_columns_does_not_change_the_choice(order: list[str], seed: int) -> None:
    frame = sample(till_export(rows=15, seed=seed))
    expected = propose_mapping(frame, day_first=True, decimal_comma=False).as_flat()
    shuffled = propose_mapping(frame.select(order), day_first=True, decimal_comma=False)
    assert shuffled.as_flat() == expected


_ROLE_NAMES = {
    "quantity": ["Qty", "Units Sold", "Qty (pcs)"],
    "unit_price": ["Unit Price KES", "Price"],
    "cost": ["COGS KES", "Cost of Goods"],
    "discount": ["Discount Given", "Disc"],
    "tax": ["VAT 16%", "Output Tax"],
}
_WORDS = st.text(alphabet="abcdefghij -", min_size=1, max_size=12).filter(lambda s: s.strip())


@given(
    st.sampled_from(sorted(_ROLE_NAMES)),
    st.data(),
    st.lists(_WORDS, min_size=3, max_size=20),
)
def test_a_column_that_is_not_numeric_never_gets_a_numeric_role(
    role: str, data: st.DataObject, cells: list[str]
) -> None:
    name = data.draw(st.sampled_from(_ROLE_NAMES[role]))
    frame = pl.DataFrame({name: cells})
    amount = pl.Series([1.0] * len(cells))
    found = score_measure(role, frame, [name], Known(amount=amount), decimal_comma=False)
    assert found == []


@given(st.floats(min_value=0.01, max_value=0.3), st.lists(st.integers(1, 10**6), min_size=3))
def test_a_constant_share_of_the_amount_is_tax_evidence(rate: float, cents: list[int]) -> None:
    amount = pl.Series([c / 100 for c in cents])
    frame = pl.DataFrame({"Levy": (amount * rate).cast(pl.String)})
    found = score_measure("tax", frame, ["Levy"], Known(amount=amount), decimal_comma=False)
    assert any("of the amount (+2)" in e for e in found[0].evidence)
    assert found[0].qualified


@given(st.sampled_from(["Type", "Segment", "City", "Category", "Count", "Total"]))
def test_an_attribute_of_a_customer_is_not_the_customer(attribute: str) -> None:
    frame = pl.DataFrame({f"Customer {attribute}": ["a", "b", "c"]})
    assert score_label("customer", frame, frame.columns) == []


def test_the_order_date_beats_the_ship_date() -> None:
    frame = pl.DataFrame(
        {"Ship Date": ["2024-01-03", "2024-01-05"], "Date Ordered": ["2024-01-01", "2024-01-02"]}
    )
    found = score_time_columns(frame, frame.columns, day_first=True)
    assert [c.column for c in found] == ["Date Ordered", "Ship Date"]


@pytest.mark.parametrize("name", ["Store Name", "Sales Rep", "Item Description", "Customer Name"])
def test_label_names_with_qualifiers_score_for_their_role(name: str) -> None:
    role = {"Store": "branch", "Sales": "salesperson", "Item": "product", "Customer": "customer"}
    frame = pl.DataFrame({name: ["x", "y"]})
    found = score_label(role[name.split()[0]], frame, [name])
    assert found
    assert found[0].qualified
