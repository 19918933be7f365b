"""Bad input ends in a specific rejection, never a crash and never a partial load."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from conftest import Run, good_rows, skeleton_csv
from xlsx_builder import xlsx_bytes

from mauzo_validator.pipeline import Keys, Rejected

HEADER = "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost"


def rejection(run: Run, data: bytes, name: str = "sales.csv", **options: object) -> Rejected:
    outcome, store = run(data, name, **options)
    assert isinstance(outcome, Rejected), outcome
    keys = Keys.of("sales", "task1")
    assert not store.list(keys.parts_prefix), "a rejected file must load nothing"
    report = json.loads(store.get_bytes(keys.report))
    assert report["status"] == "rejected"
    assert report["error"]["code"] == outcome.error.code
    assert outcome.error.message
    assert outcome.error.hint
    return outcome


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 << 20))
    return buffer.getvalue()


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("sales.csv", HEADER + "\n")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CASES: list[tuple[str, bytes, str]] = [
    ("empty file", b"", "empty_file"),
    ("only whitespace", b"  \r\n\n ", "empty_file"),
    ("header only", (HEADER + "\n").encode(), "header_only"),
    ("header only without newline", HEADER.encode(), "header_only"),
    ("binary garbage named .csv", bytes(range(256)) * 20, "binary_file"),
    (
        "undecodable bytes",
        skeleton_csv(good_rows(3)) + "2024-03-01,Caf\xe9".encode() + b"\xff\n",
        "undecodable_bytes",
    ),
    ("ragged rows", skeleton_csv([*good_rows(3), "2024-03-01,Nairobi,Soap"]), "ragged_rows"),
    (
        "too many fields on a row",
        skeleton_csv([*good_rows(3), good_rows(1)[0] + ",x,y"]),
        "ragged_rows",
    ),
    ("duplicate header names", b"date,amount,Amount\n2024-01-01,1,2\n", "duplicate_headers"),
    (
        "10 000 columns",
        (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode(),
        "too_many_columns",
    ),
    (
        "one huge line",
        b'date,amount,note\n2024-01-01,1,"' + b"x" * (2 << 20) + b'"\n',
        "line_too_long",
    ),
    ("no time column", b"branch,amount\nNairobi,100\n", "no_time_column"),
    ("no parseable date", b"date,amount\nyesterday,100\nlast week,200\n", "no_parseable_date"),
    (
        "all dates in the future",
        b"date,amount\n2031-01-01,100\n2032-05-01,200\n",
        "all_dates_in_future",
    ),
    (
        "amounts that are not numbers",
        b"date,amount\n2024-01-01,abc\n2024-01-02,lots\n",
        "amounts_not_numbers",
    ),
    ("amounts missing", b"date,amount\n2024-01-01,NA\n2024-01-02,\n", "missing_amounts"),
    ("no amount column", b"date,branch\n2024-01-01,Nairobi\n", "no_amount_column"),
    (
        "too many bad dates",
        skeleton_csv([*good_rows(10), "31/02/2024 25:00,N,S,H,A,C,I,1,1,1", "x,N,S,H,A,C,I,1,1,1"]),
        "unparseable_dates",
    ),
    (
        "quantities that are not numbers",
        b"date,qty,amount\n2024-01-01,two,5\n2024-01-02,three,5\n",
        "quantities_not_numbers",
    ),
    (
        "costs that are not numbers",
        b"date,amount,cost\n2024-01-01,5,cheap\n2024-01-02,5,dear\n",
        "costs_not_numbers",
    ),
    ("a zip that is not a workbook", _zip_of_text(), "unsupported_format"),
    ("a damaged xlsx", b"PK\x03\x04" + b"\x01" * 500, "unreadable_file"),
    (
        "a password-protected xlsx",
        OLE + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"),
        "password_protected",
    ),
    ("a damaged xls", OLE + b"\x01" * 600, "unreadable_file"),
    ("a damaged parquet", b"PAR1" + b"\x01" * 100, "unreadable_file"),
    ("bad JSON lines", b'{"date": "2024-01-01", "amount": 1}\n{"date": oops}\n', "unreadable_file"),
    ("an empty sheet", xlsx_bytes({"Sheet1": [["date", "amount"]]}), "header_only"),
    ("an empty JSON object", b"{}\n", "header_only"),
]


@pytest.mark.parametrize(("data", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_with_a_specific_code(run: Run, data: bytes, code: str) -> None:
    assert rejection(run, data).error.code == code


def test_zip_bomb_is_refused_before_decompressing(run: Run) -> None:
    outcome = rejection(run, _zip_bomb(), "sales.xlsx", max_unzipped_bytes=1 << 20)
    assert outcome.error.code == "zip_bomb"


def test_the_message_says_where_the_problem_is(run: Run) -> None:
    rows = [*good_rows(5), "2024-03-01 10:00:00,Nairobi,Soap,Home,Amina,ACME,INV9,2,lots,60"]
    outcome = rejection(run, skeleton_csv(rows))
    assert outcome.error.code == "amounts_not_numbers"
    assert "row 6" in outcome.error.message
    assert "'amount'" in outcome.error.message
    assert "'lots'" in outcome.error.message


def test_ragged_row_message_names_the_line(run: Run) -> None:
    outcome = rejection(run, skeleton_csv([*good_rows(3), "2024-03-01,Nairobi,Soap"]))
    assert "line 5" in outcome.error.message


def test_stricter_error_budget_rejects_a_single_bad_row(run: Run) -> None:
    rows = [*good_rows(50), "2024-03-01 10:00:00,N,S,H,A,C,I,1,oops,1"]
    assert rejection(run, skeleton_csv(rows), error_budget=0.0).error.code == "amounts_not_numbers"


def test_decimal_comma_numbers_get_a_hint_to_set_the_option(run: Run) -> None:
    data = b"date;branch;amount\n" + b"".join(
        f"2024-03-{d:02d};Nairobi;1.2{d:02d},50\n".encode() for d in range(1, 21)
    )
    outcome = rejection(run, data)
    assert outcome.error.code == "amounts_not_numbers"
    assert '{"decimal_comma": true}' in (outcome.error.hint or "")
    loaded, _ = run(data, decimal_comma=True)
    assert not isinstance(loaded, Rejected)
