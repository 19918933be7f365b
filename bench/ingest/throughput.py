"""Issue 4 item 9a: the validator pipeline on a 1M-row (~95 MB) CSV against the floor.

Floor (same file, same run): Polars read and parse (typed columns, time parsed) + Parquet write +
DuckDB load of that Parquet. Pipeline: the validator's read + parse + validate + Parquet write
(`validate_upload` against a local object store). Prints the median of each and the ratio.

Run: uv run python bench/ingest/throughput.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

# First: importing the service tunes Polars' allocator, as in the service's own process.
import mauzo_validator  # noqa: F401  # isort: skip

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl
from sales_csv import write_sales_csv
from validator_run import run_validator

from mauzo_validator.pipeline import Validated


def floor(csv: Path, work: Path, *, keep_order: bool = True) -> float:
    """The floor's seconds; `keep_order=False` loads as olap-lite does (DuckDB need not keep the
    order rows were read in, which about halves its load)."""
    started = time.perf_counter()
    frame = pl.read_csv(csv).with_columns(
        pl.col("time").str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S")
    )
    parquet = work / "floor.parquet"
    frame.write_parquet(parquet, compression="snappy")
    config: dict[str, str | bool | int | float | list[str]] = {}
    if not keep_order:
        config["preserve_insertion_order"] = False
    with duckdb.connect(str(work / "floor.duckdb"), config=config) as con:
        con.execute(
            "CREATE OR REPLACE TABLE sales AS SELECT * FROM read_parquet(?)", [str(parquet)]
        )
    return time.perf_counter() - started


def pipeline(csv: Path, work: Path, run: int) -> float:
    started = time.perf_counter()
    outcome = run_validator(csv, work / "objects", f"bench{run}")
    elapsed = time.perf_counter() - started
    if not isinstance(outcome, Validated):
        raise SystemExit(f"the benchmark file was rejected: {outcome}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-ingest-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", args.rows)
        floors, pipes = [], []
        pipeline(csv, work, -1)  # warm-up: imports, first-call compilation
        for run in range(args.runs):
            floors.append(floor(csv, work))
            pipes.append(pipeline(csv, work, run))
        f, p = statistics.median(floors), statistics.median(pipes)
        size = csv.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows, {size:.1f} MB; runs: {args.runs}")
        print(f"floor (polars read+parse, parquet write, duckdb load): median {f:.2f}s {floors}")
        print(f"validator pipeline (read+parse+validate+parquet): median {p:.2f}s {pipes}")
        print(f"ratio pipeline/floor: {p / f:.2f}x (goal <= 1.5x end to end)")


if __name__ == "__main__":
    main()
