"""The stream stage's work on one batch, in process: validating it and writing its clean rows.

Run: uv run python bench/stream/stage_batch.py [--records 20000] [--runs 7]

A batch of `bench/stream/run.py`'s contract events (the stage's default batch size) is validated
with the file rules (`validate_batch`) and its clean rows written as NDJSON records per partition
(`packed_records`), with and without producer keys. The floor, in the same run: Polars reading
the same values into a frame of text columns, which every way of validating them must do first.
Prints the median wall and CPU milliseconds of each over the runs, and their ratio to the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from run import event

from mauzo_common.events import CLEAN_COLUMNS
from mauzo_validator.produce import packed_records
from mauzo_validator.settings import ValidatorSettings
from mauzo_validator.stream import FIELDS, validate_batch


def timed(work: Callable[[int], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `work(run)` over the runs (after one warm-up)."""
    work(0)
    walls, cpus = [], []
    for run in range(1, runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        work(run)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1e3, statistics.median(cpus) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    settings = ValidatorSettings()
    n = args.records
    batches: list[list[bytes | None]] = [
        [event(i, "bench_tp", f"r{b}") for i in range(n)] for b in range(args.runs + 1)
    ]
    now = datetime.now(UTC)
    clean = [validate_batch(b, settings, now=now).clean.select(CLEAN_COLUMNS) for b in batches]
    keys = [f"INV{i // 4}".encode() for i in range(n)]
    schema = dict.fromkeys(FIELDS, pl.String)
    results = {
        "floor: Polars reads the values": timed(
            lambda b: pl.read_ndjson(b"\n".join(v for v in batches[b] if v), schema=schema),
            args.runs,
        ),
        "validate_batch": timed(lambda b: validate_batch(batches[b], settings, now=now), args.runs),
        "packed_records, no keys": timed(
            lambda b: packed_records(clean[b], [None] * n, [0, 1, 2]), args.runs
        ),
        "packed_records, invoice keys": timed(
            lambda b: packed_records(clean[b], keys, [0, 1, 2]), args.runs
        ),
    }
    floor_wall = results["floor: Polars reads the values"][0]
    print(f"{n:,} records a batch, medians of {args.runs} runs:")
    for name, (wall, cpu) in results.items():
        print(f"  {name:34} {wall:6.1f} ms wall {cpu:6.1f} ms CPU  {wall / floor_wall:4.2f}x")


if __name__ == "__main__":
    main()
