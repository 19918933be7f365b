"""The structure check: Arrow's fast pass must never let through a file Python's csv refuses.

The fast pass only decides whether the exact (slow) pass runs, so the outcome of the two together
must equal the outcome of the exact pass alone, whatever the quoting, embedded newlines, blank
lines, missing trailing columns or extra blank fields.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_validator.structure import StructureCheck

FULL, WIDTH = 4, 3  # a header of 4 names whose last one is empty (a header-less trailing column)


def _check(path: Path, *, exact_only: bool = False) -> str | None:
    # As the validator does: a file without a double quote is split on every newline.
    quoted = b'"' in path.read_bytes()
    check = StructureCheck(
        path, ",", width=WIDTH, full=FULL, max_field_bytes=1 << 20, quoted=quoted
    )
    try:
        if exact_only:
            check._check()
        else:
            check.start().result()
    except InputRejected as exc:
        return exc.code
    return None


cells = st.text(alphabet='ab ,"\n', max_size=6)
records = st.lists(cells, min_size=0, max_size=6)


def _render(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["a", "b", "c", ""])
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


@settings(max_examples=300, deadline=None)
@given(st.lists(records, min_size=1, max_size=8))
def test_the_fast_pass_agrees_with_the_exact_one(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("structure") / "data.csv"
    path.write_bytes(_render(rows))
    assert _check(path) == _check(path, exact_only=True)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("1,2,3,\n4,5,6,\n", None),
        ("1,2,3\n4,5,6\n", None),  # only the header-less trailing column is missing
        ('1,"x\ny",3,\n', None),  # a quoted newline is one record
        ("1,2,3,,,\n", None),  # extra fields, all blank
        ("   \n1,2,3,\n", None),  # a blank line
        ("1,2\n", "ragged_rows"),
        ("1,2,3,4,5\n", "ragged_rows"),
        ('1,"unclosed,3,\n' + "4,5,6,\n" * 3, "unclosed_quote"),
        ('1,"a"b,3,\n4,5,6,\n', None),  # a stray quote inside a cell is read leniently
        ('4,5,6,\n1,"a"b,3,\n', None),  # also on the last line: the input did not run out
    ],
)
def test_records_that_fit_the_header_pass_and_others_are_ragged(
    tmp_path: Path, body: str, code: str | None
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b,c,\n" + body)
    assert _check(path) == code


def test_a_missing_closing_quote_over_a_long_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('a,b,c,\n1,"unclosed,3,\n' + "4,5,6,\n" * 400_000)
    assert _check(path) in {"line_too_long", "unclosed_quote"}


def test_a_cell_over_the_field_limit_is_a_line_too_long(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('a,b,c,\n1,"' + "x" * ((1 << 20) + 1) + '",3,\n')
    assert _check(path, exact_only=True) == "line_too_long"
