"""The sales amount found from evidence: qualified names, content, position (roles.py)."""

from __future__ import annotations

import random
from decimal import Decimal

import polars as pl
import pytest
from conftest import Run
from hypothesis import given
from hypothesis import strategies as st

from mauzo_validator.mapping import propose_mapping
from mauzo_validator.names import tokens
from mauzo_validator.pipeline import Rejected, Validated
from mauzo_validator.roles import name_score, score_amount_columns


def public_export(amount_header: str, rows: int = 40, seed: int = 7) -> tuple[bytes, Decimal]:
    """A store export nobody here tuned for; returns the bytes and the independent total."""
    rng = random.Random(seed)
    lines = [f"Order Date,Store Name,Product,Units,{amount_header}"]
    total = Decimal(0)
    for i in range(rows):
        amount = Decimal(rng.randint(100, 99_999)) / 100
        total += amount
        lines.append(f"2024-02-{1 + i % 28:02d},Store {i % 3},Item {i % 5},{1 + i % 4},{amount}")
    return ("\n".join(lines) + "\n").encode(), total


@pytest.mark.parametrize(
    "header", ["Monthly_Revenue", "Order Value", "Net Sales (KES)", "Line Total USD", "TotalAmt"]
)
def test_a_qualified_amount_name_loads_with_the_exact_total(run: Run, header: str) -> None:
    data, total = public_export(header)
    outcome, store = run(data, datasource_currencies={"sales": "USD" if "USD" in header else "KES"})
    assert isinstance(outcome, Validated), outcome
    frame = pl.read_parquet(store.path(outcome.processed_keys[0]))
    assert Decimal(str(round(frame["gross_revenue"].sum(), 2))) == total


def test_names_split_on_case_digits_and_punctuation() -> None:
    assert tokens("Net_Sales (KES)") == ["net", "sales", "kes"]
    assert tokens("MonthlyRevenue2024") == ["monthly", "revenue", "2024"]
    assert tokens("LineTotalUSD") == ["line", "total", "usd"]


def test_a_column_equal_to_price_times_quantity_beats_one_named_value() -> None:
    frame = pl.DataFrame(
        {
            "Date": ["2024-01-01"] * 4,
            "Unit Price": ["10", "20", "5", "8"],
            "Quantity": ["2", "1", "4", "3"],
            "Declared Value": ["1", "1", "1", "1"],
            "Order Sum": ["20", "20", "20", "24"],
        }
    )
    m = propose_mapping(frame, day_first=True, decimal_comma=False)
    assert m.amount == "Order Sum"
    assert "equals quantity x unit price (+3)" in m.evidence["amount"]
    assert any("chosen over 'Declared Value'" in w for w in m.warnings)


def test_a_remembered_or_given_mapping_wins_over_inference() -> None:
    frame = pl.DataFrame({"Date": ["2024-01-01"], "Order Value": ["5"], "Sales": ["7"]})
    m = propose_mapping(frame, day_first=True, decimal_comma=False, fixed={"amount": "Order Value"})
    assert m.amount == "Order Value"


def test_no_qualifying_column_names_the_candidates_and_the_mapping(run: Run) -> None:
    data = b"Date,Store,Figure\n2024-01-01,A,10\n2024-01-02,B,12\n"
    outcome, _ = run(data)
    assert isinstance(outcome, Rejected)
    assert "'Figure'" in outcome.error.message
    assert "mostly non-negative (+0.5)" in outcome.error.message, "the evidence is named"
    assert '"amount": "Figure"' in outcome.error.hint


def test_ids_quantities_and_costs_are_never_the_amount() -> None:
    for name in ("Order ID", "Sales Qty", "Total Cost", "Sales Tax", "Revenue Share %"):
        assert name_score(name) == float("-inf"), name


_QUALIFIERS = st.sampled_from(["monthly", "order", "line", "kes", "usd", "net", "q3", "", "my"])
_SEPARATORS = st.sampled_from(["_", " ", "-", ".", ""])


@given(_QUALIFIERS, st.sampled_from(["Sales", "Revenue", "Amount", "Turnover"]), _SEPARATORS)
def test_qualifiers_never_hide_a_sales_word(qualifier: str, word: str, sep: str) -> None:
    name = f"{qualifier.title()}{sep}{word}" if qualifier else word
    assert name_score(name) >= 2.5


@given(
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=3, max_size=30),
    st.permutations(["Revenue", "Figure", "Ref"]),
)
def test_sales_named_column_wins_anywhere(values: list[int], order: list[str]) -> None:
    frame = pl.DataFrame({name: [str(v) for v in values] for name in order})
    found = score_amount_columns(frame, frame.columns, decimal_comma=False)
    assert found[0].column == "Revenue"
    assert [c.column for c in found if c.qualified] == ["Revenue"]


@given(st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=30))
def test_scores_ignore_the_order_of_rows_for_everything_but_ids(values: list[int]) -> None:
    frame = pl.DataFrame({"Sales Value": [str(v) for v in values]})
    shuffled = frame.reverse()
    a = score_amount_columns(frame, frame.columns, decimal_comma=False)
    b = score_amount_columns(shuffled, shuffled.columns, decimal_comma=False)
    if len(values) < 3:
        assert [c.score for c in a] == [c.score for c in b]
    assert all(0.0 <= c.confidence < 1.0 for c in a)


@given(st.text(alphabet="abcXYZ_ -()0123456789", max_size=20))
def test_text_cells_are_never_amount_candidates(name: str) -> None:
    frame = pl.DataFrame({name or "x": ["north", "south", "east"]})
    assert score_amount_columns(frame, frame.columns, decimal_comma=False) == []
