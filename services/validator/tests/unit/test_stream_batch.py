"""A micro-batch of streamed sale lines, validated with the file rules (no broker)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import polars as pl

from mauzo_common.events import CLEAN_COLUMNS
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.stream import validate_batch

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def clean_values(clean: pl.DataFrame) -> list[str]:
    """Each clean row as the clean topic carries it (one JSON object per line)."""
    return clean.select(CLEAN_COLUMNS).write_ndjson().splitlines()


def line(event_id: str | None = "e1", **fields: Any) -> bytes:
    record = {"datasource": "sales", "time": "2025-03-01T10:00:00+03:00", "amount": 200}
    if event_id is not None:
        record["event_id"] = event_id
    return json.dumps(record | fields).encode()


def test_valid_lines_become_clean_rows_in_the_sales_model() -> None:
    values = [
        line("a", branch="Mombasa", quantity=2, cost=120, invoice_id="I1"),
        line("b", time="2025-03-01 10:00:00", amount="-100", quantity=-1, cost="60"),
    ]
    outcome = validate_batch(values, ValidatorSettings(), now=NOW)
    assert outcome.rejected == []
    rows = [json.loads(v) for v in clean_values(outcome.clean)]
    assert rows[0]["__time"] == rows[1]["__time"] == 1740812400000  # 07:00 UTC both
    assert rows[0]["gross_revenue"] == 200
    assert rows[0]["units_sold"] == 2
    assert rows[1]["returns_value"] == -100
    assert rows[1]["units_returned"] == 1
    assert rows[1]["cost"] == -60
    assert {r["upload_id"] for r in rows} == {"stream-sales"}
    assert [r["event_id"] for r in rows] == ["a", "b"]


def test_each_invalid_line_has_the_first_failing_rule_and_its_field() -> None:
    values = [
        line("ok"),
        line("t", time="31st of March"),
        line("n", amount="abc"),
        line("f", time="2031-01-01"),
        line(None),
        line("d", datasource="1 bad"),
        b"not json",
        None,
    ]
    outcome = validate_batch(values, ValidatorSettings(), now=NOW)
    assert outcome.clean["event_id"].to_list() == ["ok"]
    got = {(r.index, r.code, r.field) for r in outcome.rejected}
    assert got == {
        (1, "unparseable_dates", "time"),
        (2, "amounts_not_numbers", "amount"),
        (3, "dates_in_future", "time"),
        (4, "missing_event_id", "event_id"),
        (5, "invalid_datasource", "datasource"),
        (6, "malformed_record", None),
        (7, "malformed_record", None),
    }
    by_index = {r.index: r for r in outcome.rejected}
    assert by_index[2].original == json.loads(values[2] or b"")
    assert by_index[6].original == "not json"


def test_a_line_reads_the_same_whatever_else_is_in_its_batch() -> None:
    """Values read in one call unless Python must judge some of them (here a malformed one, an
    object over several lines, NaN): the same line gives the same clean row either way."""
    sent = line("x", branch=7, product=1.0, invoice_id="I9", quantity="2", cost=1.5e2)
    alone = validate_batch([sent], ValidatorSettings(), now=NOW)
    pretty = json.dumps(json.loads(line("p")), indent=2).encode()
    for company in ([b"{oops"], [pretty], [line("nan", tax=float("nan"))]):
        mixed = validate_batch([*company, sent], ValidatorSettings(), now=NOW)
        row = mixed.clean.filter(mixed.clean["event_id"] == "x")
        assert clean_values(row) == clean_values(alone.clean)
    assert json.loads(clean_values(alone.clean)[0])["product"] == "1"  # a number's shortest text
    assert json.loads(clean_values(alone.clean)[0])["cost"] == 150


def test_values_polars_would_misread_are_judged_by_python() -> None:
    """Several objects in one value, a blank value: never read as rows of other values; text
    that is not Unicode (a lone surrogate escape) is malformed, never a crash of the batch."""
    values = [line("a") + b"\n" + line("b"), b"   ", line("c", branch="\\ud800"), line("d")]
    values[2] = values[2].replace(b"\\\\ud800", b"\\ud800")
    outcome = validate_batch(values, ValidatorSettings(), now=NOW)
    assert {(r.index, r.code) for r in outcome.rejected} == {
        (0, "malformed_record"), (1, "malformed_record"), (2, "malformed_record")
    }  # fmt: skip
    assert outcome.clean["event_id"].to_list() == ["d"]
