"""How a query type runs its SQL: through the engine's cancellable, timed cursor registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from mauzo_olap_lite.sql.engine import RawResult

Execute = Callable[[str], RawResult]


def plain(value: Any) -> Any:
    """DuckDB's values as JSON values (HUGEINT sums arrive as int, DECIMAL as Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value != value:  # NaN has no JSON form; Druid prints null
        return None
    return value


def records(result: RawResult, skip: int = 0) -> list[dict[str, Any]]:
    names = result.names[skip:]
    return [{n: plain(v) for n, v in zip(names, row[skip:], strict=True)} for row in result.rows]


_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - stored times are naive UTC


def epoch_ms(moment: datetime) -> int:
    return (moment - _EPOCH) // _MILLI


_MILLI = timedelta(milliseconds=1)
