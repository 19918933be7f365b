"""What a spreadsheet leaves in a text file it saved: serial days and times as day fractions.

See docs/sales-model.md#excel-artefacts.

Excel counts days from 1899-12-30 (its 1900 system, the usual one) or from 1904-01-01 (the 1904
system of old Mac workbooks, chosen with the `excel_1904` option: the numbers alone cannot tell the
two apart). A time of day saved on its own is a fraction of a day (0.5 is noon). A separate time
column is joined to its date as text, so both halves are first written the way the date formats
read: a serial date as YYYY-MM-DD, a fraction or a 12-hour clock as HH:MM:SS.
"""

from __future__ import annotations

from datetime import date

import polars as pl

EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)
SERIAL_DAYS = r"^\s*[1-9]\d{4}(\.\d+)?\s*$"
DAY_FRACTION = r"^\s*(0|0?\.\d+)\s*$"


def epoch(excel_1904: bool) -> date:
    return EPOCH_1904 if excel_1904 else EPOCH_1900


def is_day_fraction(sample: pl.Series) -> bool:
    """Nearly every value is a fraction of a day (what Excel writes for a time alone)."""
    values = sample.cast(pl.String).drop_nulls()
    share = values.str.contains(DAY_FRACTION).cast(pl.Float64).mean()
    return values.len() > 0 and isinstance(share, float) and share >= 0.95


def whole_serial_days(sample: pl.Series) -> bool:
    """Serial days without a fraction: dates whose time of day, if any, is in another column."""
    values = sample.cast(pl.String).drop_nulls()
    share = values.str.contains(r"^\s*[1-9]\d{4}\s*$").cast(pl.Float64).mean()
    return values.len() > 0 and isinstance(share, float) and share >= 0.95


def date_part(text: pl.Expr, start: date) -> pl.Expr:
    """A serial day as YYYY-MM-DD (its fraction dropped: the time column gives the time)."""
    days = text.str.strip_chars().cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    as_date = (pl.lit(start) + pl.duration(days=days)).dt.strftime("%Y-%m-%d")
    return pl.when(text.str.contains(SERIAL_DAYS)).then(as_date).otherwise(text)


def clock_part(text: pl.Expr) -> pl.Expr:
    """A day fraction or a 12-hour clock ('1:15 PM') as HH:MM:SS; a 24-hour clock as it is."""
    seconds = (text.str.strip_chars().cast(pl.Float64, strict=False) * 86_400).round(0)
    midnight = pl.datetime(2000, 1, 1)
    from_fraction = (midnight + pl.duration(seconds=seconds.cast(pl.Int64))).dt.time()
    twelve_hour = pl.coalesce(
        text.str.strip_chars().str.to_time(f, strict=False) for f in ("%I:%M %p", "%I:%M:%S %p")
    )
    clock = pl.when(text.str.contains(DAY_FRACTION)).then(from_fraction).otherwise(twelve_hour)
    return pl.coalesce(clock.dt.strftime("%H:%M:%S"), text)
