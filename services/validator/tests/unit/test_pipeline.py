"""Files that load: the processed Parquet, the event facts, the report and the rejected rows."""

from __future__ import annotations

import codecs
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import Run, good_rows, skeleton_csv
from xlsx_builder import xlsx_bytes

from mauzo_common.events import FileUploaded
from mauzo_common.file_kinds import FileKind
from mauzo_common.object_store import ObjectNotFound
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Keys, Rejected, Validated, validate_upload
from mauzo_validator.settings import ValidatorSettings

KEYS = Keys.of("sales", "task1")


def validated(
    run: Run, data: bytes, name: str = "sales.csv", **options: object
) -> tuple[Validated, pl.DataFrame]:
    outcome, store = run(data, name, **options)
    assert isinstance(outcome, Validated), outcome
    assert outcome.processed_keys == [KEYS.part(0)]
    return outcome, pl.read_parquet(store.path(KEYS.part(0)))


def test_skeleton_csv_becomes_the_canonical_parquet(run: Run) -> None:
    data = skeleton_csv(
        [
            "2024-03-01 10:00:00,Nairobi CBD,Soap,Home,Amina,ACME,INV1,2,200,120",
            "2024-03-02,Mombasa,Soap,Home,Baraka,Duka,INV2,-1,-100,-60",
            "2024-03-03T23:30:00+03:00,Kisumu,Tea,Food,Amina,,INV3,3,450,",
        ]
    )
    outcome, frame = validated(run, data)
    assert outcome.row_count == 3
    assert frame.schema["__time"] == pl.Datetime("ms", "UTC")
    assert frame["__time"].to_list() == [
        datetime(2024, 3, 1, 7, tzinfo=UTC),
        datetime(2024, 3, 1, 21, tzinfo=UTC),
        datetime(2024, 3, 3, 20, 30, tzinfo=UTC),
    ]
    assert frame["gross_revenue"].to_list() == [200.0, 0.0, 450.0]
    assert frame["returns_value"].to_list() == [0.0, -100.0, 0.0]
    assert frame["units_sold"].to_list() == [2.0, 0.0, 3.0]
    assert frame["units_returned"].to_list() == [0.0, 1.0, 0.0]
    assert frame["cost"].to_list() == [120.0, -60.0, None]
    assert frame["customer"].to_list() == ["ACME", "Duka", None]
    assert frame["upload_id"].unique().to_list() == ["task1"]
    assert set(frame.columns) == {
        "__time",
        "branch",
        "product",
        "product_line",
        "salesperson",
        "customer",
        "invoice_id",
        "upload_id",
        "gross_revenue",
        "returns_value",
        "units_sold",
        "units_returned",
        "cost",
    }
    roles = {c.name: (c.type, c.role) for c in outcome.columns}
    assert roles["__time"] == ("timestamp", "time")
    assert roles["branch"] == ("string", "dimension")
    assert roles["upload_id"] == ("string", "dimension")
    assert roles["returns_value"] == ("double", "metric")
    assert outcome.interval_start == datetime(2024, 3, 1, tzinfo=UTC)
    assert outcome.interval_end == datetime(2024, 3, 4, tzinfo=UTC)


def test_a_redelivered_event_rewrites_the_same_output(run: Run) -> None:
    data = skeleton_csv(good_rows(5))
    first, store = run(data)
    before = store.get_bytes(KEYS.part(0))
    second, _ = run(data)
    assert first == second
    assert store.get_bytes(KEYS.part(0)) == before


def test_outputs_are_moved_into_the_store_and_no_scratch_file_is_left(
    run: Run, tmp_path: Path
) -> None:
    rows = [*good_rows(40), "2024-03-01 10:00:00,B,Soap,Home,A,C,I,1,oops,1"]
    outcome, store = run(skeleton_csv(rows))
    assert isinstance(outcome, Validated)
    assert store.exists(KEYS.part(0))
    assert store.exists(KEYS.rejected_rows)
    refused, _ = run(b"just,a,header\n", task_id="task2")
    assert isinstance(refused, Rejected)
    scratch = tmp_path / "work"  # beside the store's root: one filesystem, so renamed, not copied
    assert scratch.is_dir()
    assert list(scratch.rglob("*")) == []


def test_within_the_error_budget_valid_rows_load_and_bad_rows_are_kept(run: Run) -> None:
    rows = [*good_rows(40), '2024-03-01 10:00:00,=HYPERLINK("http://x"),Soap,Home,A,C,I,1,oops,1']
    outcome, store = run(skeleton_csv(rows))
    assert isinstance(outcome, Validated)
    assert (outcome.row_count, outcome.rows_rejected) == (40, 1)
    rejected = store.get_bytes(KEYS.rejected_rows).decode()
    assert "'=HYPERLINK" in rejected
    assert "amount: the value is not a number" in rejected
    report = json.loads(store.get_bytes(KEYS.report))
    assert report["rows_read"] == 41
    assert report["rows_rejected"] == 1
    assert report["counts_per_rule"] == {"not_a_number:amount": 1}
    assert report["examples"][0] == {
        "row": 41,
        "column": "amount",
        "value": "oops",
        "rule": "not_a_number",
        "message": "the value is not a number",
    }


def test_dates_beyond_the_future_tolerance_are_rejected_rows(run: Run) -> None:
    rows = [*good_rows(30), "2030-01-01 10:00:00,N,S,H,A,C,I,1,5,1"]
    outcome, _ = run(skeleton_csv(rows))
    assert isinstance(outcome, Validated)
    assert outcome.rows_rejected == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings_are_detected(run: Run, encoding: str) -> None:
    text = "date;branch;amount\r\n01/02/2024;Café Señor;KSh 1.200,50\r\n13/02/2024;Nyeri;300\r\n"
    _, frame = validated(run, text.encode(encoding), decimal_comma=True)
    assert frame["branch"].to_list() == ["Café Señor", "Nyeri"]
    assert frame["gross_revenue"].to_list() == [1200.5, 300.0]
    assert frame["__time"][0] == datetime(2024, 1, 31, 21, tzinfo=UTC)


def test_quoting_line_endings_and_empty_columns_are_handled(run: Run) -> None:
    data = (
        b'"","date","product","amount",,\r\n'
        b'"1","2024-01-05","Chair, ""deluxe""\nwith arms",100,,\r'
        b'"2","2024-01-06","Table",200,,\n'
        b'"3","2024-01-07","Lamp",300'
    )
    _, frame = validated(run, data)
    assert frame["product"].to_list() == ['Chair, "deluxe"\nwith arms', "Table", "Lamp"]
    assert frame["gross_revenue"].sum() == 600


def test_control_characters_in_header_names_are_removed(run: Run) -> None:
    _, frame = validated(
        run,
        b"date,amount,Pay\x07ment\x1bMode\n2024-01-01,5,cash\n2024-01-02,6,card\n2024-01-03,7,cash\n",
    )
    assert "paymentmode" in frame.columns


def test_xlsx_picks_the_sheet_that_looks_like_sales(run: Run) -> None:
    data = xlsx_bytes(
        {
            "Notes": [["Read me"], ["Exported from the till"]],
            "Sales": [
                ["Date", "Branch", "Amount"],
                [45292, "Nairobi", "KSh 1,200"],
                ["2024-01-02", "Mombasa", 300],
            ],
        }
    )
    _, frame = validated(run, data, "export.csv")  # the name lies: content decides
    assert frame["branch"].to_list() == ["Nairobi", "Mombasa"]
    assert frame["gross_revenue"].to_list() == [1200.0, 300.0]


def test_excel_serial_dates_are_read(run: Run) -> None:
    data = xlsx_bytes({"S": [["Date", "Amount"], [45292, 1], [45293.5, 2]]})
    _, frame = validated(run, data, "s.xlsx")
    assert frame["__time"].to_list() == [
        datetime(2023, 12, 31, 21, tzinfo=UTC),
        datetime(2024, 1, 2, 9, tzinfo=UTC),
    ]


def test_parquet_and_json_lines_load(run: Run) -> None:
    source = pl.DataFrame({"order_date": ["2024-01-01", "2024-01-02"], "sales": [10.5, -2.0]})
    buffer = io.BytesIO()
    source.write_parquet(buffer)
    _, frame = validated(run, buffer.getvalue(), "a.parquet")
    assert frame["gross_revenue"].to_list() == [10.5, 0.0]
    assert frame["returns_value"].to_list() == [0.0, -2.0]
    ndjson = (
        b'{"date": "2024-01-01", "amount": 5, "store": "A"}\n'
        b'{"date": "2024-01-02", "amount": 6, "store": "B"}\n'
    )
    _, frame = validated(run, ndjson, "a.json")
    assert frame["branch"].to_list() == ["A", "B"]


def test_unmapped_columns_become_extra_dimensions_and_metrics(run: Run) -> None:
    outcome, frame = validated(
        run, b"date,amount,Payment Mode,Loyalty Points\n2024-01-01,5,cash,1.5\n"
    )
    roles = {c.name: c.role for c in outcome.columns}
    assert roles["payment_mode"] == "dimension"
    assert roles["loyalty_points"] == "metric"
    assert frame["loyalty_points"].to_list() == [1.5]


def test_bom_is_not_part_of_the_first_column_name(run: Run) -> None:
    _, frame = validated(run, codecs.BOM_UTF8 + b"Date,Amount\n2024-01-01,1\n")
    assert frame.height == 1


def test_a_missing_upload_is_a_system_error_that_raises(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    upload = FileUploaded(
        datasource="sales",
        object_key="uploads/sales/t/x.csv",
        file_name="x.csv",
        size_bytes=1,
        sha256="0" * 64,
        file_kind=FileKind.CSV,
    )
    with pytest.raises(ObjectNotFound):
        validate_upload(store, upload, "t", ValidatorSettings(object_store_root=tmp_path))


def test_dimension_cells_are_stripped_and_na_tokens_in_any_case_become_null(run: Run) -> None:
    branches = [
        " Nairobi CBD ",
        "N/A",
        "nUlL",
        "NaN",
        "#n/a",
        "None",
        "na",
        "Nan Bakery",
        "NAIROBI",
    ]
    rows = [f"2024-03-01 10:0{i}:00,{b},Soap,Home,Amina,ACME,INV{i},1,100,60" for i, b in
            enumerate(branches)]  # fmt: skip
    _, frame = validated(run, skeleton_csv(rows))
    assert frame["branch"].to_list() == [
        "Nairobi CBD",
        None,
        None,
        None,
        None,
        None,
        None,
        "Nan Bakery",
        "NAIROBI",
    ]
