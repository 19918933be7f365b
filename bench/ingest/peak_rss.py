"""Issue 4 item 9b: peak RSS of the validator pipeline on a generated ~500 MB CSV (goal <= 1.5 GB).

The pipeline runs in a child process so that its peak resident set size is its own; the parent
reads it with `resource.getrusage(RUSAGE_CHILDREN)` (and the child reports its own RUSAGE_SELF).

Run: uv run python bench/ingest/peak_rss.py [--mb 500]
"""

from __future__ import annotations

# First: importing the service tunes Polars' allocator, as in the service's own process.
import mauzo_validator  # noqa: F401  # isort: skip

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sales_csv import rows_for_bytes, write_sales_csv


def child(csv: Path, root: Path) -> None:
    from validator_run import run_validator

    started = time.perf_counter()
    outcome = run_validator(csv, root, "rss")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"outcome: {type(outcome).__name__} rows={getattr(outcome, 'row_count', None)}")
    print(f"child: {elapsed:.1f}s, peak RSS {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-rss-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", rows_for_bytes(args.mb * 1_000_000))
        print(f"file: {csv.stat().st_size / 1e6:.0f} MB")
        command = [sys.executable, __file__, "--child", str(csv), str(work / "objects")]
        subprocess.run(command, check=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"validator peak RSS: {peak:.0f} MB (goal <= 1536 MB)")


if __name__ == "__main__":
    main()
