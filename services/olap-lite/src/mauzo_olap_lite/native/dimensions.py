"""Dimension specs (Druid's querying/dimensionspecs.md): `default` and `extraction`, with the
substring, strlen, upper, lower, regex, partial, timeFormat and bucket extraction functions.

Values come out as strings unless `outputType` says otherwise, as in Druid; a multi-value
dimension is exploded (a row counts once under each of its values, a row without values under
null), which the query types do by unnesting `unnest_sql` before grouping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.native.errors import bad_query, unsupported
from mauzo_olap_lite.native.table import TIME, Table
from mauzo_olap_lite.sql.context import zone_name
from mauzo_olap_lite.timeutil.joda import joda_to_strftime
from mauzo_olap_lite.timeutil.zones import utc_to_local_sql

_OUTPUT = {"STRING": "VARCHAR", "LONG": "BIGINT", "DOUBLE": "DOUBLE", "FLOAT": "FLOAT"}


@dataclass(frozen=True)
class Dimension:
    name: str  # the input column
    output: str
    sql: str  # over the row, or over the unnested value for a multi-value column
    multi: bool


def _extraction(fn: dict[str, Any], value: str, column: str) -> str:
    kind = str(fn.get("type"))
    if kind == "substring":
        length = fn.get("length")
        start = int(fn.get("index", 0)) + 1
        tail = f", {int(length)}" if length is not None else ""
        return f"nullif(substring({value}, {start}{tail}), '')"
    if kind == "strlen":
        return f"CAST(coalesce(length({value}), 0) AS VARCHAR)"
    if kind in ("upper", "lower"):
        return f"{kind}({value})"
    if kind == "regex":
        group = int(fn.get("index", 1))
        regex = quote_str(str(fn["expr"]))
        found = f"nullif(regexp_extract({value}, {regex}, {group}), '')"
        if fn.get("replaceMissingValue"):
            return f"coalesce({found}, {quote_str(str(fn.get('replaceMissingValueWith') or ''))})"
        return f"coalesce({found}, {value})"
    if kind == "partial":
        return f"CASE WHEN regexp_matches({value}, {quote_str(str(fn['expr']))}) THEN {value} END"
    if kind == "bucket":
        size, offset = float(fn.get("size", 1)), float(fn.get("offset", 0))
        number = f"TRY_CAST({value} AS DOUBLE)"
        low = f"floor(({number} - {offset}) / {size}) * {size} + {offset}"
        return f"CAST(CAST({low} AS BIGINT) AS VARCHAR)"
    if kind == "timeFormat":
        if column != TIME:
            raise unsupported("timeFormat extraction reads __time only here")
        zone = zone_name(str(fn.get("timeZone") or "UTC"))
        local = utc_to_local_sql(quote_ident(TIME), zone)
        joda = fn.get("format")
        if not joda:  # ISO with milliseconds
            suffix = " || 'Z'" if zone == "UTC" else ""
            return f"strftime({local}, '%Y-%m-%dT%H:%M:%S.%g'){suffix}"
        return f"strftime({local}, {quote_str(joda_to_strftime(str(joda)))})"
    raise unsupported(f"Extraction function type [{kind}] is not supported")


def dimension(spec: Any, table: Table, position: int) -> Dimension:
    if isinstance(spec, str):
        spec = {"type": "default", "dimension": spec}
    if not isinstance(spec, dict) or not spec.get("dimension"):
        raise bad_query("A dimension spec needs a dimension")
    name = str(spec["dimension"])
    output = str(spec.get("outputName") or name)
    multi = table.is_multi(name)
    duck = table.types.get(name, "VARCHAR")
    if multi:
        value, duck = quote_ident(f"__mv{position}"), "VARCHAR"
    elif name == TIME:
        value, duck = f"epoch_ms({quote_ident(TIME)})", "BIGINT"
    else:
        value = quote_ident(name)
    kind = str(spec.get("type") or "default")
    if kind == "extraction":
        fn = spec.get("extractionFn") or {}
        value, duck = _extraction(fn, f"CAST({value} AS VARCHAR)", name), "VARCHAR"
    elif kind != "default":
        raise unsupported(f"Dimension spec type [{kind}] is not supported")
    target = _OUTPUT.get(str(spec.get("outputType") or "STRING").upper(), "VARCHAR")
    if target != duck:
        value = f"TRY_CAST({value} AS {target})"
    return Dimension(name, output, value, multi)


def dimensions(raw: Any, table: Table) -> list[Dimension]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_query("dimensions must be a list")
    return [dimension(spec, table, i) for i, spec in enumerate(raw)]


def unnest_sql(source: str, dims: list[Dimension], where: str) -> tuple[str, str]:
    """(FROM, WHERE) with each multi-value dimension exploded after the filter ran."""
    exploding = [(i, d) for i, d in enumerate(dims) if d.multi]
    if not exploding:
        return source, where
    current = f"(SELECT * FROM {source} WHERE {where})"
    for i, d in exploding:
        ref = quote_ident(d.name)
        values = f"CASE WHEN {ref} IS NULL OR len({ref}) = 0 THEN [NULL] ELSE {ref} END"
        current = f"(SELECT *, unnest({values}) AS {quote_ident(f'__mv{i}')} FROM {current})"
    return current, "TRUE"
