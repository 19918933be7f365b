"""Control and invisible characters in column names are cleaned out (a wrapped header cell keeps its
words apart); a name that only differed by them is a duplicate and refused with its own code."""

from __future__ import annotations

import json
import unicodedata

import pytest
from conftest import Run
from hypothesis import given
from hypothesis import strategies as st

from mauzo_validator.headers import clean_name
from mauzo_validator.pipeline import Keys, Rejected, Validated

ROWS = "2024-03-01 10:00,Nairobi CBD,Soap,2,100\n2024-03-02 11:00,Mombasa,Salt,1,40\n"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("am\x07ount", "amount"),
        ("\x1b[1mbranch\x1b[0m", "[1mbranch[0m"),
        ("Net\nSales", "Net Sales"),  # a wrapped header cell in Excel
        ("Net\r\n Sales\t(KES)", "Net Sales (KES)"),
        ("\x85time\x7f", "time"),  # C1 next-line, DEL
        ("\ufeffdate", "date"),
        ("pro\u200bduct", "product"),  # zero-width space
        ("amount\u202e", "amount"),  # right-to-left override
        ("\x00\x01\x02", ""),
    ],
)
def test_control_characters_are_cleaned_from_names(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@given(st.text(max_size=40))
def test_a_cleaned_name_has_no_control_characters_and_is_stable(raw: str) -> None:
    name = clean_name(raw)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name)
    assert name == name.strip()
    assert "  " not in name
    assert clean_name(name) == name


def test_a_csv_whose_header_holds_control_characters_loads_under_clean_names(run: Run) -> None:
    header = '"\x1btime\x07","bra\x7fnch","pro\u200bduct","quan\ntity","amount\u202e"\n'
    outcome, store = run((header + ROWS).encode())
    assert isinstance(outcome, Validated), outcome
    assert outcome.row_count == 2
    assert outcome.mapping["time"] == "time"
    assert outcome.mapping["branch"] == "branch"
    assert outcome.mapping["amount"] == "amount"
    report = json.loads(store.get_bytes(Keys.of("sales", "task1").report))
    text = json.dumps(report, ensure_ascii=False)
    assert not any(ch in text for ch in "\x1b\x07\x7f\u200b\u202e")


def test_names_that_differ_only_by_control_characters_are_duplicates(run: Run) -> None:
    outcome, _ = run(b"date,amount,amount\x07\n2024-03-01,1,2\n")
    assert isinstance(outcome, Rejected), outcome
    assert outcome.error.code == "duplicate_headers"
    assert "'amount' appears twice" in outcome.error.message
    assert outcome.error.hint


def test_a_name_of_only_control_characters_gets_a_placeholder(run: Run) -> None:
    outcome, store = run(b"date,\x1b\x07,amount\n2024-03-01,x,1\n2024-03-02,y,2\n")
    assert isinstance(outcome, Validated), outcome
    report = json.loads(store.get_bytes(Keys.of("sales", "task1").report))
    assert "column_2" in json.dumps(report)


def test_json_lines_keys_with_control_characters_are_cleaned_too(run: Run) -> None:
    line = '{"da\\u0007te": "2024-03-0%d", "amount\\u001b": 5}\n'
    data = "".join(line % day for day in (1, 2)).encode()
    outcome, _ = run(data, "sales.jsonl")
    assert isinstance(outcome, Validated), outcome
    assert outcome.mapping["time"] == "date"
    assert outcome.mapping["amount"] == "amount"
