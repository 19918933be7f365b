"""A deterministic sales CSV in the skeleton layout, of any size, written in chunks.

Every value is a function of the row number (no randomness), so two runs write the same bytes.
About 1 in 20 lines is a return (negative quantity and amount); about 100 bytes per line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

HEADER = "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost"
BRANCHES = ["Nairobi CBD", "Mombasa Road", "Kisumu", "Nakuru", "Eldoret", "Thika", "Nyeri"]
CHUNK = 500_000


def _chunk(start: int, rows: int) -> pl.DataFrame:
    i = pl.int_range(start, start + rows, dtype=pl.Int64, eager=False)
    seconds = (i * 37) % (365 * 86_400)
    is_return = (i % 20) == 7
    quantity = (i % 9 + 1) * pl.when(is_return).then(-1).otherwise(1)
    price = (i * 13) % 2_000 + 50
    frame = pl.select(
        time=(pl.datetime(2024, 1, 1) + pl.duration(seconds=seconds)).dt.strftime(
            "%Y-%m-%d %H:%M:%S"
        ),
        branch=pl.lit(pl.Series(BRANCHES)).gather(i % len(BRANCHES)),
        product=pl.format("Product {}", i % 997),
        product_line=pl.format("Line {}", i % 23),
        salesperson=pl.format("Rep {}", i % 61),
        customer=pl.format("Customer {}", (i * 7) % 5_003),
        invoice_id=pl.format("INV{}", i // 3),
        quantity=quantity,
        amount=(quantity * price).cast(pl.Float64) + 0.5,
        cost=(quantity * price * 0.6).round(2),
    )
    return frame


def write_sales_csv(path: Path, rows: int) -> Path:
    """Write `rows` data lines (plus the header) to `path` and return it."""
    with path.open("wb") as out:
        out.write((HEADER + "\n").encode())
        for start in range(0, rows, CHUNK):
            _chunk(start, min(CHUNK, rows - start)).write_csv(out, include_header=False)
    return path


def rows_for_bytes(target_bytes: int) -> int:
    """How many rows make a file of about `target_bytes` (measured on a sample)."""
    sample = _chunk(0, 10_000).write_csv(include_header=False)
    return int(target_bytes / (len(sample.encode()) / 10_000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    write_sales_csv(args.path, args.rows)
    print(f"{args.path}: {args.path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
