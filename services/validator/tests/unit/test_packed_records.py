"""Clean rows cut into records: nothing lost, split or reordered, a key's rows on one partition."""

from __future__ import annotations

import json

import polars as pl
from aiokafka.partitioner import DefaultPartitioner

from mauzo_validator.produce import cut, packed_records


def test_lines_fill_records_up_to_the_limit_in_order() -> None:
    lines = [f'{{"n": {i}}}'.encode() for i in range(1000)]
    records = cut(b"".join(line + b"\n" for line in lines), limit=100)
    assert all(len(r) <= 100 for r in records)
    assert [line for r in records for line in r.split(b"\n")] == lines
    assert len(records) < len(lines) / 5


def test_a_line_longer_than_the_limit_is_a_record_of_its_own() -> None:
    lines = [b"a" * 10, b"b" * 300, b"c" * 10]
    assert cut(b"\n".join(lines) + b"\n", limit=100) == lines
    assert cut(b"") == []


def test_each_key_keeps_its_partition_and_order() -> None:
    keys: list[bytes | None] = [f"INV{i % 37}".encode() for i in range(2000)]
    keys[5] = keys[6] = None
    rows = pl.DataFrame({"n": range(2000)})
    partitions = [0, 1, 2]
    packed = packed_records(rows, keys, partitions)
    placed = {
        json.loads(line)["n"]: partition
        for partition, records in packed.items()
        for record in records
        for line in record.split(b"\n")
    }
    assert sorted(placed) == list(range(2000))
    for n, key in enumerate(keys):
        if key is not None:
            assert placed[n] == DefaultPartitioner()(key, partitions, partitions)
    assert placed[5] == placed[6]
    for records in packed.values():
        numbers = [json.loads(line)["n"] for r in records for line in r.split(b"\n")]
        assert numbers == sorted(numbers)


def test_a_column_null_in_every_row_is_left_out_and_the_others_kept_whole() -> None:
    rows = pl.DataFrame(
        {"n": [1, 2, 3], "tax": [None, None, None], "discount": [None, 0.5, None]},
        schema={"n": pl.Int64, "tax": pl.Float64, "discount": pl.Float64},
    )
    for keys in ([None, None, None], [b"a", b"b", None]):
        packed = packed_records(rows, keys, [0, 1])
        lines = [json.loads(line) for rs in packed.values() for r in rs for line in r.split(b"\n")]
        assert sorted(lines, key=lambda line: line["n"]) == [
            {"n": 1, "discount": None},
            {"n": 2, "discount": 0.5},
            {"n": 3, "discount": None},
        ]
