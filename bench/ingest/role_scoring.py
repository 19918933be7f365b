"""Issue 17 item 1: what finding column roles from evidence costs per file.

The validator proposes a mapping once per file, on the sample it read for sniffing
(`sample_rows`, 2 000 by default). Both sides here map the same 2 000-row sample of the benchmark
sales file: the baseline under its skeleton header, where every role is a whole-name synonym; the
other under headers no synonym lists ("Qty (pcs)", "Unit Price KES", "Outlet Name", ...), where
quantity, price, amount, cost, the date and the labels are all scored from evidence. Rounds
alternate; medians and their ratio are printed with the load average.

Run: uv run python bench/ingest/role_scoring.py [--rounds 41]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import polars as pl
from sales_csv import _chunk

from mauzo_validator.mapping import propose_mapping

EVIDENCE_HEADER = {
    "time": "Date of Sale",
    "branch": "Outlet Name",
    "product": "Item Desc",
    "product_line": "Product Line",
    "salesperson": "Sales Rep Name",
    "customer": "Customer Full Name",
    "invoice_id": "Receipt Number",
    "quantity": "Qty (pcs)",
    "amount": "Line Value KES",
    "cost": "Cost of Goods KES",
}


def _timed(frame: pl.DataFrame) -> float:
    started = time.perf_counter()
    propose_mapping(frame, day_first=True, decimal_comma=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    synonyms = _chunk(0, args.rows).select(pl.all().cast(pl.String))
    evidence = synonyms.rename(EVIDENCE_HEADER)
    found = propose_mapping(evidence, day_first=True, decimal_comma=False).as_flat()
    assert {k: v for k, v in found.items() if v and k != "product_line"} == {
        k: v for k, v in EVIDENCE_HEADER.items() if k != "product_line"
    }, found
    _timed(synonyms), _timed(evidence)  # first calls pay one-off imports and compilation
    base, scored = [], []
    for _ in range(args.rounds):
        base.append(_timed(synonyms))
        scored.append(_timed(evidence))
    b, s = statistics.median(base), statistics.median(scored)
    print(f"sample rows {args.rows}, rounds {args.rounds}, load average {os.getloadavg()}")
    print(f"synonym header  median {1000 * b:.2f} ms")
    print(f"evidence header median {1000 * s:.2f} ms")
    print(f"ratio {s / b:.2f}x; extra per file {1000 * (s - b):.2f} ms")


if __name__ == "__main__":
    main()
