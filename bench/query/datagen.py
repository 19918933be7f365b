"""A demo-shaped sales Parquet of any size, generated with Polars only (no Python loops).

Same shape as `mauzo demo-data` after validation: UTC `__time` (ms), the sales-model dimensions
and split metrics; 8 branches, 24 products in 8 lines, 560 customers, 1-4 lines per invoice,
about 3 % return lines, two years 2024-2025. Pseudo-random values come from Polars' seeded
hash of the row number: deterministic for a given Polars version (its hash is not promised to
be stable across versions).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

BRANCHES = ["Nairobi CBD", "Westlands", "Mombasa", "Kisumu", "Nakuru", "Eldoret", "Thika", "Nyeri"]
LINES = [
    "Beverages",
    "Dairy",
    "Flour & Cereals",
    "Cooking Oils & Fats",
    "Household",
    "Personal Care",
    "Condiments",
    "Sugar & Sweeteners",
]
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_MS = 731 * 86_400_000


def pick(values: list[str], index: pl.Expr) -> pl.Expr:
    return index.replace_strict(list(range(len(values))), values, return_dtype=pl.String)


def frame(rows: int, first: int = 0) -> pl.DataFrame:
    """Rows `first` .. `first + rows` of the endless table (a part of a bigger one)."""
    i = pl.int_range(first, first + rows, dtype=pl.UInt64, eager=True).alias("i")
    df = pl.DataFrame(i)
    invoice = pl.col("i") // 3  # ~3 lines per invoice; each invoice shares time/branch/...
    h = [invoice.hash(seed=s) for s in range(5)]
    line_h = pl.col("i").hash(seed=11)
    qty = (line_h % 12 + 1).cast(pl.Float64)
    product = (line_h // 13 % 24).cast(pl.Int64)
    price = (product * 37 % 600 + 45).cast(pl.Float64)
    is_return = (h[4] % 100) < 3
    amount = (qty * price).round(2)
    df = df.select(
        __time=(
            pl.lit(START) + pl.duration(milliseconds=(h[0] % SPAN_MS).cast(pl.Int64))
        ).dt.cast_time_unit("ms"),
        branch=pick(BRANCHES, (h[1] % 8).cast(pl.Int64)),
        product=pl.format("Product {}", product),
        product_line=pick(LINES, product % 8),
        salesperson=pl.format("Rep {}", (h[1] % 8) * 3 + h[2] % 3),
        customer=pl.format("Customer {}", (h[1] % 8) * 70 + h[3] % 70),
        invoice_id=pl.format("INV-{}", invoice),
        upload_id=pl.lit("bench"),
        gross_revenue=pl.when(is_return).then(0.0).otherwise(amount),
        returns_value=pl.when(is_return).then(-amount).otherwise(0.0),
        units_sold=pl.when(is_return).then(0.0).otherwise(qty),
        units_returned=pl.when(is_return).then(qty).otherwise(0.0),
        cost=(pl.when(is_return).then(-amount).otherwise(amount) * 0.8).round(2),
    )
    return df.sort("__time")


def write(path: Path, rows: int) -> Path:
    if not path.exists():
        frame(rows).write_parquet(path, row_group_size=1_000_000)
    return path


def write_parts(folder: Path, rows: int, part_rows: int = 10_000_000) -> list[Path]:
    """`rows` rows as Parquet files of at most `part_rows` each (a 100M-row frame would not fit
    in memory at once); cached like `write`."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for n, first in enumerate(range(0, rows, part_rows)):
        path = folder / f"part-{n:03d}.parquet"
        if not path.exists():
            partial = path.with_suffix(".tmp")
            frame(min(part_rows, rows - first), first).write_parquet(
                partial, row_group_size=1_000_000
            )
            partial.rename(path)
        parts.append(path)
    return parts


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), int(sys.argv[2])))
