"""The quality report (JSON) and the downloadable rejected rows (CSV, formula injection escaped)."""

from __future__ import annotations

import io
import re
from typing import Any

import polars as pl
from pydantic import BaseModel, Field

from mauzo_validator.rules import CellError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


class ColumnQuality(BaseModel):
    source: str
    target: str
    role: str
    null_share: float
    invalid_cells: int
    score: float


class QualityReport(BaseModel):
    task_id: str
    datasource: str
    status: str
    file_kind: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    rows_read: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    rows_excluded: int = 0
    currency: str | None = None
    """The datasource's currency, which the file's amounts were checked to be in (money.py)."""
    """Lines whose order status says the sale never happened (cancelled, void, failed)."""
    statuses: dict[str, Any] | None = None
    """Rows per order status, what each was loaded as, and the rule used (status.py)."""
    error_budget: float = 0.05
    interval: list[str] = Field(default_factory=list)
    date_format: str | None = None
    date_evidence: str | None = None
    mapping: dict[str, Any] = Field(default_factory=dict)
    mapping_source: str = "automatic"
    dropped_columns: list[str] = Field(default_factory=list)
    counts_per_rule: dict[str, int] = Field(default_factory=dict)
    examples: list[dict[str, Any]] = Field(default_factory=list)
    columns: list[ColumnQuality] = Field(default_factory=list)
    score: float = 1.0
    warnings: list[str] = Field(default_factory=list)
    error: dict[str, str] | None = None


def examples_json(examples: list[CellError]) -> list[dict[str, Any]]:
    return [
        {"row": e.row, "column": e.column, "value": e.value, "rule": e.rule, "message": e.message}
        for e in examples
    ]


def column_quality(
    nulls: dict[str, int], rows: int, targets: dict[str, tuple[str, str]], counts: dict[str, int]
) -> list[ColumnQuality]:
    """Per source column: share of missing cells and invalid cells, and a 0..1 score."""
    invalid_by_column: dict[str, int] = {}
    for key, count in counts.items():
        column = key.split(":", 1)[1]
        invalid_by_column[column] = invalid_by_column.get(column, 0) + count
    rows = max(1, rows)
    quality = []
    for name, null_count in nulls.items():
        target, role = targets.get(name, ("", "dropped"))
        invalid = invalid_by_column.get(name, 0)
        null_share = null_count / rows
        score = max(0.0, 1 - invalid / rows - 0.5 * null_share)
        quality.append(
            ColumnQuality(
                source=name,
                target=target,
                role=role,
                null_share=round(null_share, 4),
                invalid_cells=invalid,
                score=round(score, 4),
            )
        )
    return quality


def escape_cell(value: str | None) -> str | None:
    """Neutralise spreadsheet formulas (=, +, -, @, tab, CR first) by prefixing a quote."""
    if value and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def escaped(column: str) -> pl.Expr:
    """`escape_cell` as a Polars expression (same rule, vectorised)."""
    value = pl.col(column).cast(pl.String)
    risky = value.str.contains(r"^[=+\-@\t\r]") & ~value.str.contains(_PLAIN_NUMBER.pattern)
    return pl.when(risky).then(pl.lit("'") + value).otherwise(value).alias(column)


def rejected_rows_csv(rows: pl.DataFrame, *, header: bool = True) -> bytes:
    buffer = io.BytesIO()
    rows.select(escaped(c) for c in rows.columns).write_csv(
        buffer, quote_style="non_numeric", include_header=header
    )
    return buffer.getvalue()
