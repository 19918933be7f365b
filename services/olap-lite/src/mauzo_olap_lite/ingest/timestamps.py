"""timestampSpec -> a SQL expression giving the row's time as a naive UTC TIMESTAMP (ms) or NULL.

Formats (docs/druid.md#timestamps): `iso` (T separator), `auto` (ISO with T or space, or a number of
milliseconds), `posix` (seconds), `millis`, `micro`, `nano`, or a Joda pattern. A typed timestamp
column (Parquet TIMESTAMP) is used as is whatever the format says; a number under a Joda pattern
is formatted as text first (Druid PR #9877). Values without an offset are UTC.
"""

from __future__ import annotations

from mauzo_olap_lite.database import quote_str
from mauzo_olap_lite.timeutil.joda import joda_to_strptime

NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "FLOAT",
    "DOUBLE",
    "REAL",
)


def is_numeric(duck_type: str) -> bool:
    return duck_type.startswith(NUMERIC_TYPES) or duck_type.startswith("DECIMAL")


def _from_number(expr: str, unit: str) -> str:
    value = f"CAST({expr} AS DOUBLE)"
    scale = {"posix": "1000000", "millis": "1000", "micro": "1", "nano": "0.001"}[unit]
    return f"make_timestamp(CAST(trunc({value} * {scale}) AS BIGINT))"


def _iso_text(expr: str, allow_space: bool) -> str:
    parsed = f"timezone('UTC', TRY_CAST({expr} AS TIMESTAMPTZ))"
    if allow_space:
        return parsed
    return f"CASE WHEN contains({expr}, ' ') THEN NULL ELSE {parsed} END"


def timestamp_sql(expr: str, duck_type: str | None, fmt: str) -> str:
    """SQL for the parsed time of `expr` (a column of DuckDB type `duck_type`; None = missing)."""
    if duck_type is None:
        return "CAST(NULL AS TIMESTAMP)"
    kind = fmt.lower()
    if duck_type.startswith("TIMESTAMP WITH TIME ZONE"):
        # The instant's UTC wall clock by arithmetic: 4x faster than a zone conversion through ICU
        # (timezone('UTC', x) or a cast), which mattered on every row of every Parquet load.
        return _ms(f"make_timestamp(epoch_us({expr}))")
    if duck_type.startswith(("TIMESTAMP", "DATE")):
        return _ms(f"CAST({expr} AS TIMESTAMP)")
    units = ("posix", "millis", "micro", "nano")
    if is_numeric(duck_type):
        if kind in units:
            return _ms(_from_number(expr, kind))
        if kind in ("auto", "iso"):
            return _ms(_from_number(expr, "millis"))
        return _ms(_text(f"CAST({expr} AS VARCHAR)", fmt))
    text = expr if duck_type == "VARCHAR" else f"CAST({expr} AS VARCHAR)"
    return _ms(_text(text, fmt))


def _text(text: str, fmt: str) -> str:
    kind = fmt.lower()
    if kind in ("posix", "millis", "micro", "nano"):
        return _from_number(f"TRY_CAST({text} AS DOUBLE)", kind)
    if kind == "auto":
        return (
            f"CASE WHEN regexp_full_match({text}, '-?[0-9]+') "
            f"THEN {_from_number(f'TRY_CAST({text} AS BIGINT)', 'millis')} "
            f"ELSE {_iso_text(text, allow_space=True)} END"
        )
    if kind == "iso":
        return _iso_text(text, allow_space=False)
    pattern = joda_to_strptime(fmt)
    parsed = f"try_strptime({text}, {quote_str(pattern)})"
    if "%z" in pattern or "%Z" in pattern:
        return f"timezone('UTC', {parsed})"
    return parsed


def _ms(expr: str) -> str:
    return f"date_trunc('millisecond', {expr})"


def missing_sql(missing_value: str | None) -> str | None:
    if missing_value is None:
        return None
    return _ms(f"timezone('UTC', CAST({quote_str(missing_value)} AS TIMESTAMPTZ))")
