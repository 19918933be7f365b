"""Real .xls workbooks (written by xlwt): every sheet looked at, the best one read, `sheet` wins."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import xlwt
from conftest import NOW, uploaded
from msoffcrypto.format.ooxml import OOXMLFile
from xlsx_builder import xlsx_bytes

from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Keys, Outcome, Rejected, Validated, validate_upload
from mauzo_validator.settings import ValidatorSettings

Cell = str | float | datetime

NOTES: list[list[Cell]] = [["Read me"], ["Exported from the till on Monday"], ["Amina"]]
STOCK: list[list[Cell]] = [["Product", "In stock"], ["Kimbo 1kg", 14], ["Omo 500g", 3]]
SALES: list[list[Cell]] = [
    ["Date", "Branch", "Product", "Qty", "Amount"],
    *[[f"2024-03-{d:02d} 10:00", "Mombasa", "Kimbo 1kg", 2, 100.5 * d] for d in range(1, 8)],
]
OLD_SALES: list[list[Cell]] = [
    ["Date", "Branch", "Amount"],
    ["2023-12-30", "Kisumu", 40.0],
    ["2023-12-31", "Kisumu", 60.0],
]


def xls_bytes(sheets: dict[str, list[list[Cell]]]) -> bytes:
    book = xlwt.Workbook()
    when = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write(r, c, value, when)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def validate(
    tmp_path: Path, data: bytes, name: str = "sales.xls", options: dict[str, str] | None = None
) -> tuple[Outcome, LocalObjectStore]:
    store = LocalObjectStore(tmp_path / "objects")
    upload = uploaded(store, data, name, "task1").model_copy(update={"options": options or {}})
    settings = ValidatorSettings(object_store_root=tmp_path / "objects")
    return validate_upload(store, upload, "task1", settings, now=NOW), store


def loaded(
    tmp_path: Path, data: bytes, options: dict[str, str] | None = None
) -> tuple[Validated, pl.DataFrame]:
    outcome, store = validate(tmp_path, data, options=options)
    assert isinstance(outcome, Validated), outcome
    return outcome, pl.read_parquet([store.path(k) for k in outcome.processed_keys])


def report(tmp_path: Path) -> dict[str, object]:
    store = LocalObjectStore(tmp_path / "objects")
    body: dict[str, object] = json.loads(store.get_bytes(Keys.of("sales", "task1").report))
    return body


def test_the_sales_sheet_is_found_when_it_is_not_the_first(tmp_path: Path) -> None:
    data = xls_bytes({"Notes": NOTES, "Stock": STOCK, "Sales": SALES})
    outcome, frame = loaded(tmp_path, data)
    assert outcome.row_count == 7
    assert frame["gross_revenue"].sum() == pytest.approx(100.5 * sum(range(1, 8)))
    assert frame["units_sold"].sum() == 14
    assert set(frame["branch"]) == {"Mombasa"}
    assert report(tmp_path)["sheet"] == "Sales"


def test_the_sheet_option_overrides_the_best_guess(tmp_path: Path) -> None:
    data = xls_bytes({"Notes": NOTES, "Sales": SALES, "Old sales": OLD_SALES})
    outcome, frame = loaded(tmp_path, data, options={"sheet": "Old sales"})
    assert outcome.row_count == 2
    assert frame["gross_revenue"].sum() == pytest.approx(100.0)
    assert set(frame["branch"]) == {"Kisumu"}
    assert report(tmp_path)["sheet"] == "Old sales"


def test_a_sheet_that_does_not_exist_is_refused_naming_the_ones_that_do(tmp_path: Path) -> None:
    data = xls_bytes({"Notes": NOTES, "Sales": SALES})
    outcome, _ = validate(tmp_path, data, options={"sheet": "Mauzo"})
    assert isinstance(outcome, Rejected)
    assert "'Mauzo'" in outcome.error.message
    assert "Notes, Sales" in outcome.error.message


def test_real_excel_date_cells_are_read_as_dates(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["Date", "Amount"]]
    rows += [[datetime(2024, 3, d, 9, 30), 10.0 * d] for d in range(1, 4)]
    _, frame = loaded(tmp_path, xls_bytes({"Sales": rows}))
    times = sorted(frame["__time"].to_list())
    assert [t.strftime("%m-%d %H:%M") for t in times] == [
        "03-01 06:30",
        "03-02 06:30",
        "03-03 06:30",
    ]
    assert frame["gross_revenue"].sum() == pytest.approx(60.0)


def test_an_xls_whose_only_sheet_is_empty_is_refused(tmp_path: Path) -> None:
    outcome, store = validate(tmp_path, xls_bytes({"Sheet1": []}))
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "empty_file"
    assert not store.list(Keys.of("sales", "task1").parts_prefix)


def test_a_really_encrypted_xlsx_is_refused_as_password_protected(tmp_path: Path) -> None:
    plain = xlsx_bytes({"Sales": [["Date", "Amount"], ["2024-03-01", 5]]})
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("s3cret-Pa55", encrypted)
    outcome, store = validate(tmp_path, encrypted.getvalue(), "sales.xlsx")
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "password_protected"
    assert not store.list(Keys.of("sales", "task1").parts_prefix)
