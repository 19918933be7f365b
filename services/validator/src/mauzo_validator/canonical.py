"""One batch of the all-string source table onto the sales model's columns.

See docs/sales-model.md#canonical-columns.

Builds `__time` (UTC), the canonical dimensions, signed amount / quantity / cost, and splits each
line into sale or return: a negative amount or quantity, or a document type saying credit note /
return, is a return, whose value goes to `returns_value` (<= 0) and units to `units_returned`
(>= 0), with gross_revenue / units_sold 0. Also yields the row checks (rules.py) for every cell it
had to parse. The decisions that must hold for the whole file come from the `Plan`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from mauzo_validator.dates import parse_times
from mauzo_validator.errors import Code
from mauzo_validator.mapping import (
    ALWAYS_DIMENSIONS,
    DIMENSIONS,
    METRICS,
    NUMERIC_FIELDS,
    OPTIONAL_METRICS,
    Mapping,
)
from mauzo_validator.numbers import is_missing, parse_number_columns, parse_numbers
from mauzo_validator.plan import Plan, time_text
from mauzo_validator.returns import is_return_document
from mauzo_validator.rules import Check
from mauzo_validator.settings import ValidatorSettings

_DIM_NA = ("", "na", "n/a", "null", "none", "nan", "#n/a")
_DIM_NA_CASES = sorted(
    {
        "".join(c)
        for token in _DIM_NA
        for c in itertools.product(*({x.lower(), x.upper()} for x in token))
    }
)
_CODES = {
    "amount": Code.AMOUNTS_NOT_NUMBERS,
    "quantity": Code.QUANTITIES_NOT_NUMBERS,
    "unit_price": Code.AMOUNTS_NOT_NUMBERS,
    "cost": Code.COSTS_NOT_NUMBERS,
    "profit": Code.COSTS_NOT_NUMBERS,
    "tax": Code.AMOUNTS_NOT_NUMBERS,
    "discount": Code.AMOUNTS_NOT_NUMBERS,
}


@dataclass
class Canonical:
    frame: pl.DataFrame
    """`__row` + `__time` + output columns + per-check value / flag columns."""
    checks: list[Check]
    dimensions: list[str]
    metrics: list[str]


def output_names(mapping: Mapping) -> tuple[list[str], list[str]]:
    dimensions = [d for d in DIMENSIONS if d in ALWAYS_DIMENSIONS or d in mapping.dimensions]
    dimensions += [e.name for e in mapping.extras if e.role == "dimension"]
    metrics = list(METRICS)
    metrics += [m for m in OPTIONAL_METRICS if mapping.sources(m)]
    metrics += [e.name for e in mapping.extras if e.role == "metric"]
    return dimensions, metrics


def source_targets(mapping: Mapping) -> dict[str, tuple[str, str]]:
    """Source column -> (what it becomes in the model, its role)."""
    targets: dict[str, tuple[str, str]] = {}
    for source in mapping.sources("time") + mapping.sources("time_of_day"):
        targets[source] = ("__time", "time")
    for dimension, source in mapping.dimensions.items():
        targets[source] = (dimension, "dimension")
    for name in NUMERIC_FIELDS:
        for source in mapping.sources(name):
            targets.setdefault(source, (name, "metric"))
    for extra in mapping.extras:
        targets[extra.source] = (extra.name, extra.role)
    if mapping.document_type:
        targets[mapping.document_type] = ("document_type", "dimension")
    if mapping.status:
        targets[mapping.status] = ("status", "status")
    return targets


def build(
    source: pl.DataFrame,
    mapping: Mapping,
    plan: Plan,
    settings: ValidatorSettings,
    *,
    now: datetime,
    upload_id: str,
    first_row: int = 1,
) -> Canonical:
    dc = settings.decimal_comma
    frame = source.with_row_index("__row", offset=first_row)
    text = frame.select(time_text(mapping, excel_1904=settings.excel_1904).alias("t"))["t"]
    times = parse_times(text, plan.detection, settings.business_timezone)
    # One missing test, read by two checks (an eager select would compute it once per check).
    frame = frame.with_columns(__time_text=text, __time=times).with_columns(
        __time_missing=is_missing(pl.col("__time_text"))
    )
    label = plan.time_label
    limit = now + timedelta(days=settings.future_tolerance_days)
    checks = [
        Check("time_missing", label, pl.col("__time_missing"), pl.col("__time_text"),
              "the date is empty", Code.UNPARSEABLE_DATES),
        Check("time_unparseable", label,
              ~pl.col("__time_missing") & pl.col("__time").is_null(),
              pl.col("__time_text"),
              f"the date does not match the column's format ({plan.detection.label})",
              Code.UNPARSEABLE_DATES),
        Check("time_in_future", label,
              pl.col("__time") > pl.lit(limit).cast(pl.Datetime("ms", "UTC")),
              pl.col("__time_text"), f"the date is later than {limit:%Y-%m-%d}",
              Code.DATES_IN_FUTURE),
    ]  # fmt: skip
    parsed: dict[str, pl.Expr] = {}
    columns: list[pl.Series] = []
    sources: dict[str, str] = {}  # column -> the first numeric field it feeds (names its code)
    for name in NUMERIC_FIELDS:
        for column in mapping.sources(name):
            sources.setdefault(column, name)
    numbers_of = parse_number_columns(frame, list(sources), decimal_comma=dc)
    for i, (column, name) in enumerate(sources.items()):
        numbers = numbers_of[column]
        columns += [numbers.values.alias(f"__n{i}"), numbers.invalid.alias(f"__bad{i}")]
        parsed[column] = pl.col(f"__n{i}")
        checks.append(
            Check("not_a_number", column, pl.col(f"__bad{i}"), pl.col(column),
                  "the value is not a number", _CODES[name])
        )  # fmt: skip
    frame = frame.with_columns(columns)
    values = {
        name: mapping.expressions[name].combine(parsed)
        if name in mapping.expressions
        else parsed[getattr(mapping, name)]
        for name in NUMERIC_FIELDS
        if mapping.sources(name)
    }
    amount = _amount(mapping, values)
    amount_sources = [c for n in ("amount", "unit_price", "quantity") for c in mapping.sources(n)]
    amount_parts_ok = pl.all_horizontal(
        [~pl.col(f"__bad{list(parsed).index(c)}") for c in amount_sources]
    )
    checks.append(
        Check("amount_missing", amount_sources[0], amount.is_null() & amount_parts_ok,
              pl.col(amount_sources[0]), "the amount is empty", Code.MISSING_AMOUNTS)
    )  # fmt: skip
    quantity = values.get("quantity", pl.lit(None, pl.Float64))
    frame = frame.with_columns(amount.alias("__amount"), quantity.alias("__qty"))
    frame = frame.with_columns(_cost(mapping, values).alias("__cost"))
    dimensions, metrics = output_names(mapping)
    is_return = (pl.col("__amount") < 0) | (pl.col("__qty") < 0)
    if mapping.document_type:
        is_return = is_return.fill_null(False) | is_return_document(pl.col(mapping.document_type))
    status: list[pl.Expr] = []
    if mapping.status:
        frame = frame.with_columns(plan.status.classify(pl.col(mapping.status)).alias("__class"))
        is_return = is_return.fill_null(False) | (pl.col("__class") == "return")
        status = [_text(mapping.status).alias("__status"), pl.col("__class")]
    # A column, so that the five outputs below read it instead of each computing it again.
    frame = frame.with_columns(is_return.fill_null(False).alias("__return"))
    is_return = pl.col("__return")
    units = pl.col("__qty").abs()
    outputs: list[pl.Expr] = [
        pl.col("__row"),
        pl.col("__time"),
        *(_text(mapping.dimensions.get(d)).alias(d) for d in DIMENSIONS if d in dimensions),
        *(_text(e.source).alias(e.name) for e in mapping.extras if e.role == "dimension"),
        pl.lit(upload_id, pl.String).alias("upload_id"),
        pl.when(is_return).then(0.0).otherwise(pl.col("__amount")).alias("gross_revenue"),
        pl.when(is_return).then(-pl.col("__amount").abs()).otherwise(0.0).alias("returns_value"),
        pl.when(is_return).then(0.0).otherwise(units).alias("units_sold"),
        pl.when(is_return).then(units).otherwise(0.0).alias("units_returned"),
        pl.when(is_return).then(-pl.col("__cost").abs()).otherwise(pl.col("__cost")).alias("cost"),
        *(values[m].alias(m) for m in ("discount", "tax") if m in values),
        *(
            pl.lit(parse_numbers(frame[e.source], decimal_comma=dc).values).alias(e.name)
            for e in mapping.extras
            if e.role == "metric"
        ),
        *status,
    ]
    frame = frame.select(
        *outputs,
        *(c.value.cast(pl.String).alias(f"__v{i}") for i, c in enumerate(checks)),
        *(c.failed.alias(f"__f{i}") for i, c in enumerate(checks)),
    )
    checks = [
        Check(c.rule, c.column, pl.col(f"__f{i}"), pl.col(f"__v{i}"), c.message, c.code)
        for i, c in enumerate(checks)
    ]
    return Canonical(frame, checks, dimensions, metrics)


def _amount(mapping: Mapping, values: dict[str, pl.Expr]) -> pl.Expr:
    if mapping.amount_rule == "price_x_quantity":
        return values["unit_price"] * values["quantity"]
    if mapping.amount_rule == "total_minus_tax":
        return values["amount"] - values["tax"].fill_null(0.0)
    return values["amount"]


def _cost(mapping: Mapping, values: dict[str, pl.Expr]) -> pl.Expr:
    if mapping.cost_rule == "column":
        return values["cost"]
    if mapping.cost_rule == "amount_minus_profit":
        return pl.col("__amount") - values["profit"]
    return pl.lit(None, pl.Float64)


def _text(column: str | None) -> pl.Expr:
    """A dimension's values stripped, with NA-like tokens (in any letter case) as null.

    An expression, not a Series, so that the final select works on every dimension at once;
    the tokens are listed in every letter case so that no cell has to be lower-cased.
    """
    if column is None:
        return pl.lit(None, pl.String)
    return pl.col(column).cast(pl.String).str.strip_chars().replace(_DIM_NA_CASES, None)
