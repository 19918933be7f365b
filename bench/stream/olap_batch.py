"""One olap-lite supervisor micro-batch of clean-topic records: pyarrow's quick read against the
exact path (DuckDB's JSON functions), in the same run.

Run: uv run python bench/stream/olap_batch.py [--rows 82000] [--runs 7]

The records are what the stream stage writes to a clean topic (~190 rows a record, one object a
line); each run ingests them into the same datasource with `ingest_batch`, as the supervisor does
(read, plan, count, publish with the offsets). Prints the median time per batch and per row of
each path and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from mauzo_common.druid.supervisors import kafka_supervisor_spec
from mauzo_common.events import CLEAN_COLUMNS
from mauzo_olap_lite.database import Database
from mauzo_olap_lite.settings import OlapLiteSettings
from mauzo_olap_lite.supervisors import batch, columns, store
from mauzo_olap_lite.supervisors.spec import parse_supervisor

ROWS_PER_RECORD = 190


def clean_row(i: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(CLEAN_COLUMNS)
    row.update({
        "__time": 1_743_483_600_000 + i * 1000, "branch": ("Mombasa", "Kisumu")[i % 2],
        "product": f"P{i % 40}", "product_line": "Home", "salesperson": "Amina",
        "customer": f"C{i % 500}", "invoice_id": f"INV{i // 4}", "upload_id": "stream-bench",
        "event_id": f"e-{i}", "gross_revenue": 50 + (i % 97) * 1.25, "returns_value": 0.0,
        "units_sold": 1 + i % 3, "units_returned": 0, "cost": 30.0, "discount": 0.0,
    })  # fmt: skip
    return row


def records(rows: int, first_offset: int) -> list[batch.Record]:
    lines = [json.dumps(clean_row(i)) for i in range(rows)]
    values = [
        "\n".join(lines[i : i + ROWS_PER_RECORD]).encode() for i in range(0, rows, ROWS_PER_RECORD)
    ]
    return [batch.Record(0, first_offset + k, v, None, 0) for k, v in enumerate(values)]


def timed(rows: int, runs: int, quick: bool) -> list[float]:
    spec = parse_supervisor(kafka_supervisor_spec("bench", bootstrap_servers="127.0.0.1:9"))
    original = columns.read
    if not quick:
        columns.read = lambda values: None  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="mauzo-bench-olap-batch-") as tmp:
            threshold = OlapLiteSettings().olap_lite_checkpoint_threshold
            db = Database(Path(tmp) / "olap.duckdb", checkpoint_threshold=threshold)
            cur = db.cursor()
            store.create_schema(cur)
            spent = []
            for run in range(runs):
                recs = records(rows, run * rows)
                started = time.perf_counter()
                result = batch.ingest_batch(
                    cur, spec, recs, write_lock=db.publish_lock("bench"), task_id="bench"
                )
                spent.append(time.perf_counter() - started)
                assert result.totals["processed"] == rows, result.totals
            return spent
    finally:
        columns.read = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=82_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    medians = {}
    for quick in (False, True, False, True):  # alternated: a noisy spell hits both
        spent = timed(args.rows, args.runs, quick)
        medians.setdefault(quick, []).extend(spent)
    exact, fast = statistics.median(medians[False]), statistics.median(medians[True])
    for name, value in (("exact path", exact), ("quick read", fast)):
        print(f"{name}: {value * 1000:.0f} ms a batch of {args.rows:,} rows "
              f"({value / args.rows * 1e6:.2f} us a row)")  # fmt: skip
    print(f"quick / exact: {fast / exact:.2f}")


if __name__ == "__main__":
    main()
