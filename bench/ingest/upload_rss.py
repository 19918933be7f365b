"""Issue 4 item 9b: the upload service never holds a whole file in memory.

Starts the stack as `mauzo up` does, streams a generated ~480 MB CSV to the upload service over
HTTP, and reads the upload process's peak resident set size (VmHWM in /proc) before and after.
If the service held the file, its peak would grow by about the file's size.

Run: uv run python bench/ingest/upload_rss.py [--mb 480]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sales_csv import rows_for_bytes, write_sales_csv

from mauzo_common.testing.stack import RunningStack, leftover_processes, start_stack


def _upload_pid(stack: RunningStack) -> int:
    for pid in leftover_processes(stack):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"upload" in cmdline:
            return pid
    raise SystemExit("no upload process found in the stack")


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmHWM for {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=480)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-upload-rss-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", rows_for_bytes(args.mb * 1_000_000))
        size_mb = csv.stat().st_size / 1e6
        stack = start_stack(work / "stack")
        try:
            pid = _upload_pid(stack)
            before = _peak_mb(pid)
            started = time.perf_counter()
            task = stack.upload(csv, "bench_upload_rss")
            elapsed = time.perf_counter() - started
            after = _peak_mb(pid)
        finally:
            stack.stop()
    print(f"file: {size_mb:.0f} MB, streamed in {elapsed:.1f}s ({size_mb / elapsed:.0f} MB/s)")
    print(f"upload service peak RSS: {before:.0f} MB before, {after:.0f} MB after")
    print(f"growth: {after - before:.0f} MB for a {size_mb:.0f} MB file (task {task['task_id']})")


if __name__ == "__main__":
    main()
