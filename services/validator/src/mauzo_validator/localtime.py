"""Wall-clock times in the business time zone made UTC, by arithmetic where the zone allows it.

Converting through the zone database costs a lookup per row; for a zone whose UTC offset does not
change over the batch's span (Africa/Nairobi has been +03:00 since 1960, and most batches fall
between two DST changes) subtracting that one offset gives the same instants several times faster.
The offset is read off an hourly grid over the span, so any change inside it sends the batch
through the zone database as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

UTC_MS = pl.Datetime("ms", "UTC")
_MAX_GRID_SPAN = timedelta(days=366 * 10)


def localise(naive: pl.Series, timezone: str) -> pl.Series:
    """Naive local wall-clock values as UTC instants (null where the zone skips that time)."""
    low, high = naive.min(), naive.max()
    if isinstance(low, datetime) and isinstance(high, datetime):
        offset = constant_offset(low, high, timezone)
        if offset is not None:
            return (naive - offset).dt.replace_time_zone("UTC").cast(UTC_MS)
    return (
        naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .cast(UTC_MS)
    )


def constant_offset(low: datetime, high: datetime, timezone: str) -> timedelta | None:
    """The zone's one UTC offset from `low` to `high`; None when it changes or spans decades."""
    if high - low > _MAX_GRID_SPAN:
        return None
    start = low.replace(minute=0, second=0, microsecond=0)
    grid = pl.datetime_range(start, high + timedelta(hours=1), "1h", time_unit="ms", eager=True)
    local = grid.dt.replace_time_zone(timezone, ambiguous="null", non_existent="null")
    if local.null_count():
        return None
    offsets = (grid - local.dt.convert_time_zone("UTC").dt.replace_time_zone(None)).unique()
    if offsets.len() != 1:
        return None
    offset = offsets[0]
    return offset if isinstance(offset, timedelta) else None
