"""Druid SQL functions that DuckDB lacks or spells differently (Druid's sql-scalar.md,
sql-aggregations.md).

Each handler gets the (already translated) argument expressions and returns DuckDB SQL text.
Periods, time zones, units and patterns must be literals (or parameters), as Druid requires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlglot import exp

from mauzo_olap_lite.database import quote_str
from mauzo_olap_lite.errors import invalid_input
from mauzo_olap_lite.sql.context import (
    QueryContext,
    between_zones_sql,
    from_utc_sql,
    to_utc_sql,
    zone_name,
)
from mauzo_olap_lite.timeutil.buckets import zoned_floor_sql
from mauzo_olap_lite.timeutil.granularity import floor_period_sql
from mauzo_olap_lite.timeutil.joda import joda_to_strftime, joda_to_strptime
from mauzo_olap_lite.timeutil.periods import Period, parse_interval, parse_period


class Caller(Protocol):
    """What a handler may ask of the translation calling it (sql.translate.Translator is one).

    Declared here rather than imported, so the translator can use the handlers without the
    handlers importing the translator back.
    """

    @property
    def ctx(self) -> QueryContext: ...

    def literal(self, arg: exp.Expr, name: str) -> Any:
        """The value of a literal or bound parameter; a non-literal is refused as Druid does."""
        ...

    def unit(self, arg: exp.Expr) -> str:
        """A time unit given as a bare word (DAY) or as a literal."""
        ...


Handler = Callable[[list[exp.Expr], Caller], str]
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%g"
EXTRACT_UNITS = {
    "EPOCH": None,
    "MICROSECOND": "microsecond",
    "MILLISECOND": "millisecond",
    "SECOND": "second",
    "MINUTE": "minute",
    "HOUR": "hour",
    "DAY": "day",
    "DOW": "isodow",
    "ISODOW": "isodow",
    "DOY": "doy",
    "WEEK": "week",
    "MONTH": "month",
    "QUARTER": "quarter",
    "YEAR": "year",
    "ISOYEAR": "isoyear",
    "DECADE": "decade",
    "CENTURY": "century",
    "MILLENNIUM": "millennium",
}


def _sql(e: exp.Expr) -> str:
    return e.sql(dialect="duckdb")


def _period(arg: exp.Expr, tr: Caller, name: str) -> Period:
    text = tr.literal(arg, name)
    try:
        return parse_period(str(text))
    except ValueError as exc:
        raise invalid_input(f"{name}: invalid period [{text}]") from exc


def _zone(args: list[exp.Expr], index: int, tr: Caller, name: str) -> str:
    if len(args) <= index or tr.literal(args[index], name) is None:
        return tr.ctx.time_zone
    return zone_name(str(tr.literal(args[index], name)))


def _floor(ts: str, period: Period, origin: str | None, zone: str, tr: Caller) -> str:
    if tr.ctx.time_zone == "UTC":
        return zoned_floor_sql(ts, period, origin, zone)
    local = between_zones_sql(ts, tr.ctx.time_zone, zone)
    floored = floor_period_sql(local, period, origin)
    return between_zones_sql(floored, zone, tr.ctx.time_zone)


def _origin(args: list[exp.Expr], tr: Caller) -> str | None:
    if len(args) < 3 or tr.literal(args[2], "TIME_FLOOR") is None:
        return None
    return str(tr.literal(args[2], "TIME_FLOOR")).replace("T", " ").rstrip("Z")


def time_floor(args: list[exp.Expr], tr: Caller) -> str:
    period = _period(args[1], tr, "TIME_FLOOR")
    return _floor(_sql(args[0]), period, _origin(args, tr), _zone(args, 3, tr, "TIME_FLOOR"), tr)


def time_ceil(args: list[exp.Expr], tr: Caller) -> str:
    period = _period(args[1], tr, "TIME_CEIL")
    ts = _sql(args[0])
    floor = _floor(ts, period, _origin(args, tr), _zone(args, 3, tr, "TIME_CEIL"), tr)
    return f"(CASE WHEN {floor} = {ts} THEN {ts} ELSE {floor} + {period.interval_sql()} END)"


def time_shift(args: list[exp.Expr], tr: Caller) -> str:
    period = _period(args[1], tr, "TIME_SHIFT")
    zone = _zone(args, 3, tr, "TIME_SHIFT")
    step = f"CAST({_sql(args[2])} AS INTEGER)"
    local = between_zones_sql(_sql(args[0]), tr.ctx.time_zone, zone)
    parts = [local]
    if period.total_months:
        parts.append(f"to_months({step} * {period.total_months})")
    days = period.weeks * 7 + period.days
    if days:
        parts.append(f"to_days({step} * {days})")
    micros = ((period.hours * 60 + period.minutes) * 60_000 + period.millis) * 1000
    if micros:
        parts.append(f"to_microseconds(CAST({step} AS BIGINT) * {micros})")
    return between_zones_sql("(" + " + ".join(parts) + ")", zone, tr.ctx.time_zone)


def time_format(args: list[exp.Expr], tr: Caller) -> str:
    zone = _zone(args, 2, tr, "TIME_FORMAT")
    local = between_zones_sql(_sql(args[0]), tr.ctx.time_zone, zone)
    pattern = tr.literal(args[1], "TIME_FORMAT") if len(args) > 1 else None
    if pattern is None:
        utc = to_utc_sql(_sql(args[0]), tr.ctx.time_zone)
        return f"(strftime({local}, '{ISO_FORMAT}') || {_offset_sql(utc, zone)})"
    return f"strftime({local}, {quote_str(joda_to_strftime(str(pattern)))})"


def _offset_sql(utc: str, zone: str) -> str:
    if zone == "UTC":
        return "'Z'"
    local = from_utc_sql(utc, zone)
    minutes = f"CAST(date_diff('minute', {utc}, {local}) AS INTEGER)"
    return (
        f"(CASE WHEN {minutes} = 0 THEN 'Z' "
        f"ELSE (CASE WHEN {minutes} < 0 THEN '-' ELSE '+' END) || "
        f"lpad(CAST(abs({minutes}) // 60 AS VARCHAR), 2, '0') || ':' || "
        f"lpad(CAST(abs({minutes}) % 60 AS VARCHAR), 2, '0') END)"
    )


def time_parse(args: list[exp.Expr], tr: Caller) -> str:
    zone = _zone(args, 2, tr, "TIME_PARSE")
    text = f"CAST({_sql(args[0])} AS VARCHAR)"
    pattern = tr.literal(args[1], "TIME_PARSE") if len(args) > 1 else None
    if pattern is not None:
        fmt = joda_to_strptime(str(pattern))
        parsed = f"try_strptime({text}, {quote_str(fmt)})"
        if "%z" in fmt or "%Z" in fmt:
            return f"timezone({quote_str(tr.ctx.time_zone)}, {parsed})"
        return between_zones_sql(parsed, zone, tr.ctx.time_zone)
    with_offset = f"timezone({quote_str(tr.ctx.time_zone)}, TRY_CAST({text} AS TIMESTAMPTZ))"
    naive = between_zones_sql(f"TRY_CAST({text} AS TIMESTAMP)", zone, tr.ctx.time_zone)
    return (
        f"(CASE WHEN regexp_matches({text}, '(Z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$') "
        f"THEN {with_offset} ELSE {naive} END)"
    )


def time_extract(args: list[exp.Expr], tr: Caller) -> str:
    unit = str(tr.literal(args[1], "TIME_EXTRACT") if len(args) > 1 else "MILLISECOND").upper()
    zone = _zone(args, 2, tr, "TIME_EXTRACT")
    return extract_sql(_sql(args[0]), unit, zone, tr)


def extract_sql(ts: str, unit: str, zone: str, tr: Caller) -> str:
    if unit not in EXTRACT_UNITS:
        raise invalid_input(f"Unsupported time unit [{unit}]")
    if unit == "EPOCH":
        return f"CAST(epoch({to_utc_sql(ts, tr.ctx.time_zone)}) AS BIGINT)"
    local = between_zones_sql(ts, tr.ctx.time_zone, zone)
    if unit == "MILLISECOND":
        return f"CAST(millisecond({local}) % 1000 AS BIGINT)"
    return f"CAST(extract({EXTRACT_UNITS[unit]} FROM {local}) AS BIGINT)"


def time_in_interval(args: list[exp.Expr], tr: Caller) -> str:
    text = str(tr.literal(args[1], "TIME_IN_INTERVAL"))
    has_zone = any(mark in text for mark in ("Z", "+")) or text.count("-") > 4
    try:
        interval = parse_interval(text)
    except ValueError as exc:
        raise invalid_input(f"TIME_IN_INTERVAL: invalid interval [{text}]") from exc
    start, end = f"TIMESTAMP '{interval.start}'", f"TIMESTAMP '{interval.end}'"
    if has_zone:
        start, end = from_utc_sql(start, tr.ctx.time_zone), from_utc_sql(end, tr.ctx.time_zone)
    ts = _sql(args[0])
    return f"({ts} >= {start} AND {ts} < {end})"


def millis_to_timestamp(args: list[exp.Expr], tr: Caller) -> str:
    return from_utc_sql(f"make_timestamp(CAST({_sql(args[0])} AS BIGINT) * 1000)", tr.ctx.time_zone)


def timestamp_to_millis(args: list[exp.Expr], tr: Caller) -> str:
    return f"epoch_ms({to_utc_sql(_sql(args[0]), tr.ctx.time_zone)})"


def timestamp_add(args: list[exp.Expr], tr: Caller) -> str:
    unit = tr.unit(args[0]).lower()
    count = f"CAST({_sql(args[1])} AS BIGINT)"
    fns = {
        "year": "to_years",
        "quarter": "to_months",
        "month": "to_months",
        "week": "to_weeks",
        "day": "to_days",
        "hour": "to_hours",
        "minute": "to_minutes",
        "second": "to_seconds",
        "millisecond": "to_milliseconds",
        "microsecond": "to_microseconds",
    }
    if unit not in fns:
        raise invalid_input(f"TIMESTAMPADD: unsupported unit [{unit}]")
    scale = " * 3" if unit == "quarter" else ""
    return f"({_sql(args[2])} + {fns[unit]}(CAST({count}{scale} AS INTEGER)))"


def earliest(by_time: bool, latest: bool) -> Handler:
    def handler(args: list[exp.Expr], tr: Caller) -> str:
        fn = "arg_max" if latest else "arg_min"
        time = _sql(args[1]) if by_time else '"__time"'
        return f"{fn}({_sql(args[0])}, {time})"

    return handler


def concat(args: list[exp.Expr], tr: Caller) -> str:
    return "(" + " || ".join(f"CAST({_sql(a)} AS VARCHAR)" for a in args) + ")"


HANDLERS: dict[str, Handler] = {
    "TIME_FLOOR": time_floor,
    "TIME_CEIL": time_ceil,
    "TIME_SHIFT": time_shift,
    "TIME_FORMAT": time_format,
    "TIME_PARSE": time_parse,
    "TIME_EXTRACT": time_extract,
    "TIME_IN_INTERVAL": time_in_interval,
    "MILLIS_TO_TIMESTAMP": millis_to_timestamp,
    "TIMESTAMP_TO_MILLIS": timestamp_to_millis,
    "TIMESTAMPADD": timestamp_add,
    "EARLIEST": earliest(by_time=False, latest=False),
    "LATEST": earliest(by_time=False, latest=True),
    "EARLIEST_BY": earliest(by_time=True, latest=False),
    "LATEST_BY": earliest(by_time=True, latest=True),
    "STRLEN": lambda a, tr: f"length({_sql(a[0])})",
    "TEXTCAT": concat,
    "CONCAT": concat,
    "NVL": lambda a, tr: f"coalesce({_sql(a[0])}, {_sql(a[1])})",
    "DIV": lambda a, tr: f"({_sql(a[0])} // {_sql(a[1])})",
    "SAFE_DIVIDE": lambda a, tr: (
        f"(CASE WHEN {_sql(a[1])} = 0 THEN NULL ELSE {_sql(a[0])} / {_sql(a[1])} END)"
    ),
    "APPROX_COUNT_DISTINCT": lambda a, tr: f"approx_count_distinct({_sql(a[0])})",
}
