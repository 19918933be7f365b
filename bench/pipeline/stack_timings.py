"""Issue 2 figures: seconds from `mauzo up` to all healthy, and upload -> succeeded for 1k rows.

Run: uv run python bench/pipeline/stack_timings.py [--runs 5]
Prints the median of the runs; every run starts from an empty data directory.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mauzo_cli.demo import DemoConfig, generate
from mauzo_common.testing.stack import start_stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-") as tmp:
        root = Path(tmp)
        startup: list[float] = []
        for run in range(3):
            started = time.perf_counter()
            stack = start_stack(root / f"startup-{run}")
            startup.append(time.perf_counter() - started)
            stack.stop()
        stack = start_stack(root / "ingest")
        try:
            latencies: list[float] = []
            for run in range(args.runs):
                path = root / f"sales-{run}.csv"
                generate(path, DemoConfig(lines=args.rows, seed=run))
                started = time.perf_counter()
                task = stack.upload(path, "bench")
                status = stack.wait_for_task(task["task_id"])
                latencies.append(time.perf_counter() - started)
                assert status["state"] == "succeeded", status
        finally:
            stack.stop()
    print(
        f"mauzo up -> all healthy: median {statistics.median(startup):.2f}s "
        f"(runs: {', '.join(f'{s:.2f}' for s in startup)})"
    )
    print(
        f"upload -> succeeded, {args.rows} rows: median {statistics.median(latencies):.2f}s "
        f"(runs: {', '.join(f'{s:.2f}' for s in latencies)})"
    )


if __name__ == "__main__":
    main()
