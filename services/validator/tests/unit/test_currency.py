"""A file's currency against its datasource's: symbols and codes in cells or headers (money.py)."""

from __future__ import annotations

import json

import pytest
from conftest import Run

from mauzo_common import currency
from mauzo_validator.pipeline import Keys, Rejected, Validated


@pytest.mark.parametrize(
    ("cell", "code"),
    [("KSh 1,200.50", "KES"), ("Ksh1200", "KES"), ("1,200/=", "KES"), ("$12.50", "USD"),
     ("₦ 5,000", "NGN"), ("1 200 €", "EUR"), ("EUR 12", "EUR"), ("(KES 300)", "KES"),
     ("1200", None), ("12.5", None)],
)  # fmt: skip
def test_cells_name_their_currency(cell: str, code: str | None) -> None:
    assert currency.in_cell(cell) == code


@pytest.mark.parametrize(
    ("header", "code"),
    [("Net Sales (KES)", "KES"), ("Line Total USD", "USD"), ("Amount €", "EUR"),
     ("Sales", None), ("Order Value", None)],
)  # fmt: skip
def test_headers_name_their_currency(header: str, code: str | None) -> None:
    assert currency.in_header(header) == code


def test_a_file_in_another_currency_is_refused_with_the_reason(run: Run) -> None:
    data = "Date,Store,Sales\n2024-01-01,A,€10.50\n2024-01-02,B,€12.00\n".encode()
    outcome, _ = run(data)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "currency_mismatch"
    assert "EUR" in outcome.error.message
    assert "'sales' holds KES" in outcome.error.message


def test_a_file_in_its_datasources_currency_loads_and_says_so(run: Run) -> None:
    data = b'Date,Store,Sales\n2024-01-01,A,"KSh 1,200.50"\n2024-01-02,B,KSh 99.50\n'
    outcome, store = run(data)
    assert isinstance(outcome, Validated), outcome
    report = json.loads(store.get_bytes(Keys.of("sales", "task1").report))
    assert report["currency"] == "KES"


def test_a_datasource_has_its_own_currency(run: Run) -> None:
    data = b"Date,Store,Sales\n2024-01-01,A,$10.50\n"
    outcome, _ = run(data, datasource_currencies={"sales": "usd"})
    assert isinstance(outcome, Validated), outcome
