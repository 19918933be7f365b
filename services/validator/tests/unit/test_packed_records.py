"""Clean lines joined into records: nothing lost, split or reordered, and records stay small."""

from __future__ import annotations

from mauzo_validator.produce import packed


def test_lines_fill_records_up_to_the_limit_in_order() -> None:
    lines = [f'{{"n": {i}}}'.encode() for i in range(1000)]
    records = packed(lines, limit=100)
    assert all(len(r) <= 100 for r in records)
    assert [line for r in records for line in r.split(b"\n")] == lines
    assert len(records) < len(lines) / 5


def test_a_line_longer_than_the_limit_is_a_record_of_its_own() -> None:
    lines = [b"a" * 10, b"b" * 300, b"c" * 10]
    assert packed(lines, limit=100) == lines


def test_no_lines_no_records() -> None:
    assert packed([]) == []
