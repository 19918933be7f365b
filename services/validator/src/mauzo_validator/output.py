"""Where a file's batches go: Parquet parts of valid rows, one CSV of rejected rows, the bounds.

Both are written batch by batch to local files (memory stays bounded by one batch) and reach the
object store only once the whole file has passed (pipeline.py), so a refused file loads nothing.
Each batch becomes one Parquet part, checked against the processed contract (schema.py) and
written by Polars' own writer on a background thread (it releases the GIL), so writing one batch
overlaps checking the next; at most one batch waits to be written. Polars' writer needs half the
CPU of Arrow's appending one for the same rows, and the ingestion spec lists every part (Druid
reads a list of files as one input).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from mauzo_validator.report import rejected_rows_csv


@dataclass
class Outputs:
    workdir: Path
    rejected: Path
    parts: list[Path] = field(default_factory=list)
    rows: int = 0
    rejected_rows: int = 0
    first: datetime | None = None
    last: datetime | None = None
    nulls: dict[str, int] = field(default_factory=dict)
    _pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="parquet-writer")
    )
    _pending: Future[None] | None = None

    def count_nulls(self, source: pl.DataFrame) -> None:
        for name, count in zip(source.columns, source.null_count().row(0), strict=True):
            self.nulls[name] = self.nulls.get(name, 0) + count

    def write_valid(self, frame: pl.DataFrame, contract: Callable[[pl.DataFrame], object]) -> None:
        """Write one batch's valid rows as the next part; `contract` checks the batch first, on
        the writer's thread (a broken batch raises there, and so from the next write or close,
        before any part reaches the store)."""
        if frame.height == 0:
            return
        bounds = frame.select(pl.col("__time").min().alias("a"), pl.col("__time").max().alias("b"))
        low, high = bounds.row(0)
        self.first = low if self.first is None else min(self.first, low)
        self.last = high if self.last is None else max(self.last, high)
        part = self.workdir / f"part-{len(self.parts)}.parquet"
        self._wait()
        # No column statistics: nothing that reads the parts filters on them, and they cost a
        # fifth of the writer's CPU.
        self._pending = self._pool.submit(_checked_write, frame, part, contract)
        self.parts.append(part)
        self.rows += frame.height

    def _wait(self) -> None:
        """Wait for the batch being written (and raise what writing it raised)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def write_rejected(self, rows: pl.DataFrame) -> None:
        if rows.height == 0:
            return
        with self.rejected.open("ab") as out:
            out.write(rejected_rows_csv(rows, header=self.rejected_rows == 0))
        self.rejected_rows += rows.height

    def close(self) -> None:
        """Finish writing; also on failure, so no write outlives the work directory."""
        try:
            self._wait()
        finally:
            self._pool.shutdown(wait=True)

    def interval(self) -> tuple[datetime, datetime]:
        """[first day, day after the last day), UTC."""
        if self.first is None or self.last is None:
            raise ValueError("no valid row was written")
        start = self.first.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        last = self.last.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return start, last + timedelta(days=1)


def _checked_write(
    frame: pl.DataFrame, part: Path, contract: Callable[[pl.DataFrame], object]
) -> None:
    contract(frame)
    frame.write_parquet(part, compression="snappy", statistics=False)
