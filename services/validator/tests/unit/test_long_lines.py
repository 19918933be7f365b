"""One enormous line (a file without line endings, a pasted blob) is refused with `line_too_long`
while the file streams, before any parser holds the line: memory stays bounded."""

from __future__ import annotations

import csv
import hashlib
import resource
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW, Run, good_rows, skeleton_csv
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.events import FileUploaded
from mauzo_common.file_kinds import FileKind
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.lines import LineLimit, newlines
from mauzo_validator.pipeline import Keys, Rejected, validate_upload
from mauzo_validator.settings import ValidatorSettings

MB = 1 << 20
HUGE = 50 * MB
HEADER = b"time,branch,product,quantity,amount\n"


def short_fields(out: Callable[[bytes], object]) -> None:
    """A header, then one 50 MB row of 25 million tiny cells (the costliest for a csv reader)."""
    out(HEADER)
    for _ in range(HUGE // MB):
        out(b"1," * (MB // 2))
    out(b"1\n")


def no_line_break(out: Callable[[bytes], object]) -> None:
    """50 MB without a single line break: the whole file is the header line."""
    for _ in range(HUGE // MB):
        out(b"2024-01-01 10:00;Nairobi;Soap;2;100 " * (MB // 36) + b"x" * (MB % 36))


def utf8_bom_blob(out: Callable[[bytes], object]) -> None:
    """A BOM (so the file is transcoded on its way), a good row, then a 50 MB quoted cell."""
    out(b"\xef\xbb\xbf" + HEADER + b"2024-01-01 10:00,Nairobi,Soap,2,100\n")
    out(b'2024-01-02 10:00,Nairobi,"')
    for _ in range(HUGE // MB):
        out("é".encode() * (MB // 2))
    out(b'",2,100\n')


@pytest.mark.parametrize("write", [short_fields, no_line_break, utf8_bom_blob])
def test_a_50_mb_line_is_refused_with_bounded_memory(
    tmp_path: Path, write: Callable[[Callable[[bytes], object]], None]
) -> None:
    source = tmp_path / "huge.csv"
    with source.open("wb") as handle:
        write(handle.write)
    assert source.stat().st_size >= HUGE
    store = LocalObjectStore(tmp_path / "objects")
    key = "uploads/sales/task1/huge.csv"
    store.upload_file(key, source)
    source.unlink()
    event = FileUploaded(
        datasource="sales",
        object_key=key,
        file_name="huge.csv",
        size_bytes=store.path(key).stat().st_size,
        sha256=hashlib.sha256(b"not checked here").hexdigest(),
        file_kind=FileKind.CSV,
    )
    settings = ValidatorSettings(object_store_root=tmp_path / "objects")
    rss_before = _peak_rss_mb()
    tracemalloc.start()
    try:
        outcome = validate_upload(store, event, "task1", settings, now=NOW)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(outcome, Rejected), outcome
    assert outcome.error.code == "line_too_long"
    assert "1,048,576 characters" in outcome.error.message
    assert outcome.error.hint
    assert not store.list(Keys.of("sales", "task1").parts_prefix)
    # Bounded: a few 4 MB chunks, never the 50 MB line (let alone 25 million cells).
    assert python_peak < 32 * MB, f"Python peak {python_peak / MB:.0f} MB"
    assert _peak_rss_mb() - rss_before < 200


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def test_the_message_names_the_long_line(run: Run) -> None:
    rows = good_rows(3)
    rows[1] += ",x" * 600
    outcome, _ = run(skeleton_csv(rows), max_line_bytes=1000)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "line_too_long"
    assert "Line 3 " in outcome.error.message


def test_many_short_lines_pass_whatever_the_line_endings(run: Run) -> None:
    rows = good_rows(40)
    for newline in ("\n", "\r\n", "\r"):
        data = newline.join([*skeleton_csv([]).decode().splitlines(), *rows]).encode()
        outcome, _ = run(data, max_line_bytes=200)
        assert not isinstance(outcome, Rejected), (newline, outcome)


@given(
    st.lists(st.text(alphabet="ab\n", max_size=30), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=12),
    st.booleans(),
)
def test_any_chunking_finds_the_first_line_over_the_limit(
    chunks: list[str], limit: int, as_bytes: bool
) -> None:
    text = "".join(chunks)
    lines = text.split("\n")
    expected = next((i + 1 for i, line in enumerate(lines) if len(line) > limit), None)
    measure = LineLimit(limit)
    for chunk in chunks:
        if as_bytes:
            measure.feed(chunk.encode())
        else:
            measure.feed(chunk)
    assert measure.too_long == expected


@given(st.text(alphabet="a\r\n\u00e9", max_size=40))
def test_line_feeds_are_counted_exactly_in_text_and_bytes(text: str) -> None:
    assert newlines(text) == text.count("\n")
    assert newlines(text.encode()) == text.count("\n")


def test_a_long_cell_in_the_first_lines_is_read_not_crashed_on(run: Run) -> None:
    rows = good_rows(5)
    rows[0] = rows[0].replace("ACME", '"' + "ACME " * 60_000 + '"')  # a 300 KB customer name
    previous = csv.field_size_limit(128 * 1024)  # csv's default, as in a fresh process
    try:
        outcome, _ = run(skeleton_csv(rows))
    finally:
        csv.field_size_limit(previous)
    assert not isinstance(outcome, Rejected), outcome
    assert outcome.row_count == 5
