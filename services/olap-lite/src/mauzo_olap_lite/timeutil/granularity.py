"""Druid granularities (segmentGranularity / queryGranularity) as SQL over naive UTC timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mauzo_olap_lite.timeutil.periods import Period, parse_period

NAMED: dict[str, str] = {
    "SECOND": "PT1S",
    "MINUTE": "PT1M",
    "FIVE_MINUTE": "PT5M",
    "TEN_MINUTE": "PT10M",
    "FIFTEEN_MINUTE": "PT15M",
    "THIRTY_MINUTE": "PT30M",
    "HOUR": "PT1H",
    "SIX_HOUR": "PT6H",
    "EIGHT_HOUR": "PT8H",
    "DAY": "P1D",
    "WEEK": "P1W",
    "MONTH": "P1M",
    "QUARTER": "P3M",
    "YEAR": "P1Y",
}
EPOCH = "TIMESTAMP '1970-01-01 00:00:00'"


@dataclass(frozen=True)
class Granularity:
    kind: str  # "period" | "all" | "none"
    period: Period | None = None
    time_zone: str | None = None
    origin: str | None = None

    def floor_sql(self, expr: str) -> str:
        """Truncate a naive-UTC timestamp expression to this granularity."""
        if self.kind == "none" or self.period is None:
            return expr
        if self.time_zone and self.time_zone.upper() not in ("UTC", "ETC/UTC", "Z"):
            tz = self.time_zone.replace("'", "''")
            local = f"timezone('{tz}', timezone('UTC', {expr}))"
            floored = floor_period_sql(local, self.period, self.origin)
            return f"timezone('UTC', timezone('{tz}', {floored}))"
        return floor_period_sql(expr, self.period, self.origin)

    def end_sql(self, start_expr: str) -> str:
        if self.period is None:
            return start_expr
        return f"({start_expr} + {self.period.interval_sql()})"


def floor_period_sql(expr: str, period: Period, origin: str | None = None) -> str:
    unit = period.single_unit()
    if unit and origin is None:
        return f"date_trunc('{unit}', {expr})"
    origin_sql = f"TIMESTAMP '{origin}'" if origin else EPOCH
    if period.total_months and period.fixed_millis:
        raise ValueError("Periods mixing months and days are not supported")
    return f"time_bucket({period.interval_sql()}, {expr}, {origin_sql})"


def parse_granularity(value: Any, default: str) -> Granularity:
    if value is None:
        value = default
    if isinstance(value, str):
        name = value.strip().upper()
        if name == "ALL":
            return Granularity("all")
        if name == "NONE":
            return Granularity("none")
        if name in NAMED:
            return Granularity("period", parse_period(NAMED[name]))
        raise ValueError(f"Unknown granularity[{value}]")
    if isinstance(value, dict):
        kind = str(value.get("type", "")).lower()
        if kind in ("all", "none"):
            return Granularity(kind)
        if kind == "period":
            origin = value.get("origin")
            return Granularity(
                "period",
                parse_period(str(value["period"])),
                value.get("timeZone"),
                str(origin).replace("T", " ").rstrip("Z") if origin else None,
            )
        if kind == "duration":
            return Granularity("period", Period(millis=int(value["duration"])))
    raise ValueError(f"Unknown granularity[{value}]")
