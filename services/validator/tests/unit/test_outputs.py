"""Parquet parts written on the writer's thread, each batch checked against the contract first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from mauzo_validator.output import Outputs


def _batch(amounts: list[float]) -> pl.DataFrame:
    times = [datetime(2024, 3, 1 + i, 9, tzinfo=UTC) for i in range(len(amounts))]
    return pl.DataFrame({"__time": times, "gross_revenue": amounts}).with_columns(
        pl.col("__time").dt.cast_time_unit("ms")
    )


def _no_negatives(frame: pl.DataFrame) -> None:
    if (frame["gross_revenue"] < 0).any():
        raise ValueError("gross_revenue below 0")


def test_each_batch_becomes_one_part_and_the_interval_covers_them(tmp_path: Path) -> None:
    outputs = Outputs(tmp_path, tmp_path / "rejected.csv")
    outputs.write_valid(_batch([1.0, 2.0]), contract=_no_negatives)
    outputs.write_valid(_batch([3.0, 4.0, 5.0]), contract=_no_negatives)
    outputs.close()
    assert [pl.read_parquet(p)["gross_revenue"].to_list() for p in outputs.parts] == [
        [1.0, 2.0],
        [3.0, 4.0, 5.0],
    ]
    assert outputs.rows == 5
    assert outputs.interval() == (
        datetime(2024, 3, 1, tzinfo=UTC),
        datetime(2024, 3, 4, tzinfo=UTC),
    )


def test_a_batch_breaking_the_contract_stops_the_file(tmp_path: Path) -> None:
    outputs = Outputs(tmp_path, tmp_path / "rejected.csv")
    outputs.write_valid(_batch([1.0, -2.0]), contract=_no_negatives)
    with pytest.raises(ValueError, match="below 0"):
        outputs.write_valid(_batch([3.0]), contract=_no_negatives)
    outputs.close()
    assert not outputs.parts[0].exists()  # the broken batch was never written


def test_a_break_in_the_last_batch_is_raised_by_close(tmp_path: Path) -> None:
    outputs = Outputs(tmp_path, tmp_path / "rejected.csv")
    outputs.write_valid(_batch([-1.0]), contract=_no_negatives)
    with pytest.raises(ValueError, match="below 0"):
        outputs.close()
