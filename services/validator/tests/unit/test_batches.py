"""A file read in many small batches gives exactly what one batch gives (bounded-memory path)."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import polars as pl
import pytest
from conftest import SKELETON_HEADER, Run, good_rows, skeleton_csv

from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Keys, Rejected, Validated

KEYS = Keys.of("sales", "task1")


def processed(store: LocalObjectStore, outcome: Validated) -> pl.DataFrame:
    return pl.read_parquet([store.path(key) for key in outcome.processed_keys])


def test_small_batches_give_the_same_output_report_and_rejected_rows(run: Run) -> None:
    rows = [*good_rows(60), "2024-03-01 10:00:00,N,S,H,A,C,I,1,oops,1"]
    rows += [*good_rows(20, day=2), "2030-01-01 10:00:00,N,S,H,A,C,I,1,5,1"]
    data = skeleton_csv(rows)
    whole, store = run(data)
    assert isinstance(whole, Validated)
    assert whole.processed_keys == [KEYS.part(0)]
    whole_frame = processed(store, whole)
    whole_report = json.loads(store.get_bytes(KEYS.report))
    whole_rejected = store.get_bytes(KEYS.rejected_rows)
    batched, store = run(data, batch_rows=7)
    assert isinstance(batched, Validated)
    assert replace(batched, processed_keys=whole.processed_keys) == whole
    assert batched.processed_keys == [KEYS.part(i) for i in range(12)]  # 82 rows, 7 per batch
    assert processed(store, batched).equals(whole_frame)
    report = json.loads(store.get_bytes(KEYS.report))
    assert report.pop("mapping_source") == "remembered"  # the first run's mapping was kept
    assert whole_report.pop("mapping_source") == "automatic"
    for one in (report, whole_report):
        one.pop("mapping")
    assert report == whole_report
    assert store.get_bytes(KEYS.rejected_rows) == whole_rejected
    assert [e["row"] for e in whole_report["examples"]] == [82, 61]


def test_batches_checked_at_once_come_out_in_file_order(run: Run) -> None:
    """Several batches in flight: parts, row numbers, rejected rows and report as one at a time."""
    rows: list[str] = []
    for day in range(1, 9):  # a bad amount and a future date in most batches
        rows += [*good_rows(6, day=day), f"2024-03-0{day} 10:00:00,N,S,H,A,C,I,1,bad{day},1"]
        rows.append(f"203{day}-01-01 10:00:00,N,S,H,A,C,I,1,5,1")
    data = skeleton_csv(rows)
    outputs = {}
    for workers in (1, 4):
        outcome, store = run(
            data, task_id=f"w{workers}", batch_rows=5, batch_workers=workers, error_budget=0.5
        )
        assert isinstance(outcome, Validated)
        keys = Keys.of("sales", f"w{workers}")
        report = json.loads(store.get_bytes(keys.report))
        outputs[workers] = (
            processed(store, outcome).drop("upload_id"),
            store.get_bytes(keys.rejected_rows),
            [(e["rule"], e["row"]) for e in report["examples"]],
            outcome.rows_rejected,
        )
    one, many = outputs[1], outputs[4]
    assert many[0].equals(one[0])
    assert many[1:] == one[1:]
    assert one[3] == 16
    # each day's bad amount (row 7, 15, ...) and future date (row 8, 16, ...), in file order
    by_rule: dict[str, list[int]] = {}
    for rule, row in one[2]:
        by_rule.setdefault(rule, []).append(row)
    assert sorted(by_rule.values()) == [list(range(7, 64, 8)), list(range(8, 65, 8))]


def test_a_ragged_row_in_a_later_batch_rejects_the_whole_file(run: Run) -> None:
    rows = [*good_rows(50), "2024-03-01,Nairobi,Soap", *good_rows(5)]
    outcome, store = run(skeleton_csv(rows), batch_rows=8)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "ragged_rows"
    assert "line 52" in outcome.error.message
    assert not store.list(KEYS.parts_prefix)


def test_lone_cr_line_endings_and_cp1252_are_streamed_to_utf8(run: Run) -> None:
    text = "date,branch,amount\r2024-01-01,Café,1\r2024-01-02,Señor,2\r"
    outcome, store = run(text.encode("cp1252"), batch_rows=1)
    assert isinstance(outcome, Validated)
    assert processed(store, outcome)["branch"].to_list() == ["Café", "Señor"]


@pytest.mark.parametrize("kind", ["parquet", "ndjson"])
def test_parquet_and_json_lines_stream_in_batches_like_csv(run: Run, kind: str) -> None:
    """Parquet and JSON lines are scanned batch by batch too, with the same result as CSV."""
    rows = [*good_rows(40), "2024-03-01 10:00:00,N,S,H,A,C,I,1,oops,1", *good_rows(9, day=2)]
    data = skeleton_csv(rows)
    as_csv, store = run(data, task_id="csv")
    assert isinstance(as_csv, Validated)
    expected = processed(store, as_csv).drop("upload_id")
    frame = pl.read_csv(data, infer_schema=False)
    buffer = io.BytesIO()
    if kind == "parquet":
        frame.write_parquet(buffer)
    else:
        frame.write_ndjson(buffer)
    outcome, store = run(buffer.getvalue(), name=f"sales.{kind}", task_id=kind, batch_rows=6)
    assert isinstance(outcome, Validated)
    assert (outcome.row_count, outcome.rows_rejected) == (as_csv.row_count, 1)
    got = processed(store, outcome).drop("upload_id")
    assert got.equals(expected)


def test_blank_lines_in_any_batch_are_skipped_and_a_row_with_an_empty_first_cell_is_kept(
    run: Run,
) -> None:
    # The time column is last, so a row with an empty first cell (branch) still has data.
    header = "branch,product,salesperson,invoice,quantity,amount,time"
    good = [f"Nairobi,Soap,Amina,INV{i},2,{100 + i},2024-03-01 10:{i:02d}:00" for i in range(30)]
    no_branch = ",Soap,Amina,INVX,1,50,2024-03-01 11:00:00"
    blanks = ["", "   ", ",,,,,,", " , ,\t,,,,"]
    body = [*good[:10], *blanks, *good[10:20], no_branch, *blanks, *good[20:]]
    data = ("\n".join([header, *body]) + "\n").encode()
    outcome, store = run(data, batch_rows=6)
    assert isinstance(outcome, Validated), outcome
    assert outcome.rows_read == 31
    assert outcome.row_count == 31
    frame = processed(store, outcome)
    assert frame.filter(pl.col("branch").is_null())["invoice_id"].to_list() == ["INVX"]


def test_a_redelivery_in_fewer_batches_leaves_no_part_of_the_earlier_attempt(run: Run) -> None:
    data = skeleton_csv(good_rows(30))
    first, store = run(data, batch_rows=7)
    assert isinstance(first, Validated)
    assert len(first.processed_keys) == 5
    again, store = run(data)
    assert isinstance(again, Validated)
    assert store.list(KEYS.parts_prefix) == again.processed_keys == [KEYS.part(0)]
    assert processed(store, again).height == 30


def test_a_file_whose_head_is_ascii_but_which_is_cp1252_is_checked_after_transcoding(
    run: Run,
) -> None:
    # The cp1252 byte far past the head (plain ASCII) makes the file be rewritten as UTF-8; the
    # structure check must run on that text and count lines as in the original.
    filler = good_rows(4000)  # well past the 256 KB head
    rows = [*filler, "2024-03-02 10:00:00,Caf\xe9,S,H,A,C,I,1,5,1", "2024-03-02,Nairobi,Soap"]
    data = (SKELETON_HEADER + "\n" + "\n".join(rows) + "\n").encode("cp1252")
    outcome, _ = run(data)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "ragged_rows"
    assert "line 4003" in outcome.error.message
