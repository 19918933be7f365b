"""Stored columns: typed dimensions and ingestion-time metrics as SQL over the parsed source rows.

SQL-compatible null handling: a null input stays null, and a sum over only nulls is null.
Conversions follow Druid's readers: a long column takes the integer part of a decimal value
("2.7" -> 2); a value that cannot be converted becomes null and marks the row processedWithError.
"""

from __future__ import annotations

from dataclasses import dataclass

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.ingest.timestamps import is_numeric

DUCK_TYPES = {"string": "VARCHAR", "long": "BIGINT", "double": "DOUBLE", "float": "FLOAT"}
DRUID_TYPES = {"VARCHAR": "STRING", "BIGINT": "LONG", "DOUBLE": "DOUBLE", "FLOAT": "FLOAT"}

METRICS: dict[str, tuple[str, str]] = {
    # type -> (value kind, aggregate)
    "count": ("long", "count"),
    "longSum": ("long", "sum"),
    "doubleSum": ("double", "sum"),
    "floatSum": ("float", "sum"),
    "longMin": ("long", "min"),
    "longMax": ("long", "max"),
    "doubleMin": ("double", "min"),
    "doubleMax": ("double", "max"),
    "floatMin": ("float", "min"),
    "floatMax": ("float", "max"),
}


@dataclass(frozen=True)
class StoredColumn:
    name: str
    role: str  # "dimension" | "metric"
    kind: str  # string | long | double | float
    value_sql: str  # the per-row value (inner query)
    error_sql: str | None  # true when a non-null input failed to convert
    aggregate: str | None = None  # for metrics under rollup: count | sum | min | max
    multi: bool = False  # a multi-value string dimension, stored as VARCHAR[]

    @property
    def duck_type(self) -> str:
        return "VARCHAR[]" if self.multi else DUCK_TYPES[self.kind]

    @property
    def druid_type(self) -> str:
        return DRUID_TYPES.get(self.duck_type, "STRING")

    def rollup_sql(self, inner: str) -> str:
        """The aggregate over the inner alias, typed like Druid's aggregator output."""
        if self.aggregate == "count":
            return "CAST(count(*) AS BIGINT)"
        return f"CAST({self.aggregate}({inner}) AS {self.duck_type})"


def convert(column: str, source_type: str | None, kind: str) -> tuple[str, str | None]:
    """(value SQL, conversion-error SQL) for reading `column` as a Druid `kind`."""
    if source_type is None or source_type.strip('"') == "NULL":
        return f"CAST(NULL AS {DUCK_TYPES[kind]})", None
    ref = quote_ident(column)
    if kind == "string":
        if source_type == "VARCHAR":
            return ref, None
        if source_type.startswith(("TIMESTAMP", "DATE")):
            return f"strftime(CAST({ref} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')", None
        return f"CAST({ref} AS VARCHAR)", None
    target = DUCK_TYPES[kind]
    if source_type.startswith(("TIMESTAMP", "DATE")):
        millis = f"epoch_ms(CAST({ref} AS TIMESTAMP))"
        return (millis if kind == "long" else f"CAST({millis} AS {target})"), None
    if source_type == "BOOLEAN":
        return f"CAST(CAST({ref} AS INTEGER) AS {target})", None
    if is_numeric(source_type):
        if kind == "long" and "INT" not in source_type:
            return f"TRY_CAST(trunc({ref}) AS BIGINT)", None
        return f"CAST({ref} AS {target})", None
    text = ref if source_type == "VARCHAR" else f"CAST({ref} AS VARCHAR)"
    if kind == "long":
        value = (
            f"coalesce(TRY_CAST({text} AS BIGINT), "
            f"TRY_CAST(trunc(TRY_CAST({text} AS DOUBLE)) AS BIGINT))"
        )
    else:
        value = f"TRY_CAST({text} AS {target})"
    return value, f"({ref} IS NOT NULL AND {value} IS NULL)"


def dimension(
    name: str, kind: str, source_type: str | None, handling: str = "SORTED_ARRAY"
) -> StoredColumn:
    if kind not in DUCK_TYPES:
        kind = "string"
    if kind == "string" and source_type is not None and source_type.endswith("[]"):
        return StoredColumn(
            name, "dimension", kind, multi_value_sql(name, handling), None, None, True
        )
    value, error = convert(name, source_type, kind)
    return StoredColumn(name, "dimension", kind, value, error)


def multi_value_sql(column: str, handling: str) -> str:
    """A list value under Druid's multiValueHandling; an empty list is stored as null.

    SORTED_ARRAY sorts and keeps duplicates, SORTED_SET sorts and drops duplicates, ARRAY keeps
    the input order. Elements are strings (a list of numbers is stored as their text).
    """
    ref = f"CAST({quote_ident(column)} AS VARCHAR[])"
    value = {
        "SORTED_SET": f"list_sort(list_distinct({ref}))",
        "ARRAY": ref,
    }.get(handling, f"list_sort({ref})")
    return f"CASE WHEN len({ref}) > 0 THEN {value} END"


def discovered_kind(source_type: str) -> str:
    """useSchemaDiscovery: the Druid type DuckDB's type maps to."""
    if source_type in (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "BOOLEAN",
    ) or source_type.startswith(("UTINYINT", "USMALLINT", "UINTEGER")):
        return "long"
    if source_type in ("DOUBLE", "FLOAT", "REAL") or source_type.startswith("DECIMAL"):
        return "double"
    return "string"


def metric(kind: str, name: str, field: str | None, source_type: str | None) -> StoredColumn:
    if kind not in METRICS:
        raise ValueError(f"Unsupported aggregator type [{kind}] for metric [{name}]")
    value_kind, aggregate = METRICS[kind]
    if aggregate == "count":
        return StoredColumn(name, "metric", "long", "CAST(1 AS BIGINT)", None, "count")
    if field is None:
        raise ValueError(f"Metric [{name}] of type [{kind}] needs a fieldName")
    value, error = convert(field, source_type, value_kind)
    return StoredColumn(name, "metric", value_kind, value, error, aggregate)
