"""Issue 4 item 9: a 1M-row (~95 MB) CSV, HTTP upload -> succeeded, against the floor.

Both measured in this run on the same file: the floor is Polars read and parse + Parquet write +
DuckDB load (`throughput.floor`); the pipeline is the whole embedded stack started as `mauzo up`
starts it, timed from the first byte of the upload to the task's `succeeded`. One round of each
is run first and discarded (cold start); the runs then alternate floor and pipeline.

Run: uv run python bench/ingest/end_to_end.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sales_csv import write_sales_csv
from throughput import floor

from mauzo_common.testing.stack import start_stack


def settle() -> None:
    """Flush what the previous run wrote, so that neither side pays for the other's writeback
    (each run writes 100-300 MB: the upload, Parquet, DuckDB files)."""
    os.sync()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-e2e-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", args.rows)
        size_mb = csv.stat().st_size / 1e6
        stack = start_stack(work / "stack")
        floors, unordered, uploads, accepted = [], [], [], []
        stages: dict[str, list[float]] = {}
        try:
            # One discarded round first: the first file a fresh stack sees pays its services'
            # one-off costs (first imports, first task), and the floor's first run its own.
            floor(csv, work)
            stack.wait_for_task(stack.upload(csv, "bench_e2e_warmup")["task_id"], timeout=1800)
            for run in range(args.runs):
                settle()
                floors.append(floor(csv, work))
                settle()
                unordered.append(floor(csv, work, keep_order=False))
                settle()
                started = time.perf_counter()
                task = stack.upload(csv, f"bench_e2e_{run}")
                accepted.append(time.perf_counter() - started)
                # a long-poll: the end is heard at once, without polling CPU beside the stack
                status = stack.wait_for_task(task["task_id"], timeout=1800)
                uploads.append(time.perf_counter() - started)
                if status["state"] != "succeeded" or status["rows_ingested"] != args.rows:
                    raise SystemExit(f"run {run} did not load every row: {status}")
                for stage, seconds in status["timings"].items():
                    stages.setdefault(stage, []).append(seconds)
                druid = httpx.get(
                    f"{stack.url('OLAP_LITE')}/druid/indexer/v1/task/{status['druid_task_id']}/status",
                    auth=stack.auth,
                ).json()
                stages.setdefault("(olap-lite task run)", []).append(
                    druid["status"]["duration"] / 1000
                )
        finally:
            stack.stop()
    f, u = statistics.median(floors), statistics.median(uploads)
    print(f"file: {args.rows:,} rows, {size_mb:.1f} MB")
    print(f"floor (polars read+parse, parquet write, duckdb load): median {f:.2f}s {floors}")
    print(f"upload -> succeeded through the stack: median {u:.2f}s {uploads}")
    print(f"ratio: {u / f:.2f}x (goal <= 1.5x)")
    paired = statistics.median(p / q for p, q in zip(uploads, floors, strict=True))
    print(
        f"median of the per-run ratios (each run against the floor measured just before it): "
        f"{paired:.2f}x"
    )
    fu = statistics.median(unordered)
    print(
        f"floor loading as olap-lite does (DuckDB not keeping insertion order): median {fu:.2f}s,"
        f" ratio {u / fu:.2f}x"
    )
    print(f"  of which the upload until its 202: median {statistics.median(accepted):.2f}s")
    print("time in each state (task-tracker's timings, median s):")
    for stage, seconds in stages.items():
        runs = ", ".join(f"{x:.2f}" for x in seconds)
        print(f"  {stage:<12}{statistics.median(seconds):8.2f}   runs: {runs}")


if __name__ == "__main__":
    main()
