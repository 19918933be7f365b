"""Text files that went through Excel: serial days, serial date-times, time columns as day
fractions or 12-hour clocks, the 1904 system; a junk cell costs its row, not the file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from conftest import Run

from mauzo_validator.pipeline import Validated


def serial(day: date, epoch: date = date(1899, 12, 30)) -> int:
    return (day - epoch).days


def times_of(run: Run, data: bytes, **settings: object) -> tuple[Validated, list[datetime]]:
    outcome, store = run(data, **settings)
    assert isinstance(outcome, Validated), outcome
    frame = pl.read_parquet(store.path(outcome.processed_keys[0]))
    return outcome, frame.sort("__time")["__time"].to_list()


def nairobi(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


DAY = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("clock", "hour", "minute"),
    [("0.5", 12, 0), ("0.75", 18, 0), (".4375", 10, 30), ("10:30 AM", 10, 30), ("1:15 PM", 13, 15)],
)
def test_a_serial_date_with_a_separate_time_column(
    run: Run, clock: str, hour: int, minute: int
) -> None:
    data = f"Date,Time,Store,Sales\n{serial(DAY)},{clock},A,10\n".encode()
    _, times = times_of(run, data)
    assert times == [nairobi(DAY, hour, minute)]


def test_serial_date_times_carry_their_time(run: Run) -> None:
    data = f"Order Date,Sales\n{serial(DAY)}.4375,10\n{serial(DAY) + 1}.5,12\n".encode()
    _, times = times_of(run, data)
    assert times == [nairobi(DAY, 10, 30), nairobi(DAY + timedelta(days=1), 12)]


def test_the_1904_system_is_an_option(run: Run) -> None:
    day = serial(DAY, date(1904, 1, 1))
    data = f"Date,Time,Sales\n{day},0.5,10\n{day + 2},0.25,11\n".encode()
    _, times = times_of(run, data, excel_1904=True)
    assert times == [nairobi(DAY, 12), nairobi(DAY + timedelta(days=2), 6)]


def test_a_junk_date_cell_is_a_rejected_row_not_a_rejected_file(run: Run) -> None:
    lines = [f"{serial(DAY) + i % 20},{(i % 24) / 24},Store {i % 3},{i + 1}" for i in range(60)]
    lines.insert(30, "see note,0.5,Store 1,999")
    data = ("Date,Time,Store,Sales\n" + "\n".join(lines) + "\n").encode()
    outcome, times = times_of(run, data)
    assert outcome.row_count == 60
    assert outcome.rows_rejected == 1
    assert len(times) == 60
