"""From the all-string source table and a mapping to the sales model's columns (sales-model.md).

Builds `__time` (UTC), the canonical dimensions, signed amount / quantity / cost, and splits each
line into sale or return: a negative amount or quantity is a return, whose value goes to
`returns_value` (<= 0) and units to `units_returned` (>= 0), with gross_revenue / units_sold 0.
Also yields the row checks (rules.py) for every cell it had to parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl

from mauzo_validator.dates import DateDetection, detect_format, to_utc
from mauzo_validator.errors import Code, rejected
from mauzo_validator.mapping import ALWAYS_DIMENSIONS, DIMENSIONS, Extra, Mapping, snake_case
from mauzo_validator.numbers import is_missing, parse_numbers
from mauzo_validator.rules import Check
from mauzo_validator.settings import ValidatorSettings

_DIM_NA = ("", "na", "n/a", "null", "none", "nan", "#n/a")


@dataclass
class Canonical:
    frame: pl.DataFrame
    """`__row` + `__time` + output columns (see `output_columns`)."""
    checks: list[Check]
    detection: DateDetection
    dimensions: list[str]
    metrics: list[str]
    warnings: list[str] = field(default_factory=list)


def build(
    source: pl.DataFrame,
    mapping: Mapping,
    settings: ValidatorSettings,
    *,
    now: datetime,
    upload_id: str,
) -> Canonical:
    if mapping.time is None:
        raise rejected(
            Code.NO_TIME_COLUMN,
            f"No column holds the sale date. Columns found: {', '.join(source.columns[:30])}.",
            "Add a date column named e.g. 'date', 'order date' or 'invoice date' with values such "
            "as 2024-01-31.",
        )
    if mapping.amount_rule == "missing":
        raise rejected(
            Code.NO_AMOUNT_COLUMN,
            f"No column holds the sales amount. Columns found: {', '.join(source.columns[:30])}.",
            "Add an 'amount' (or 'sales', 'total') column, or 'unit price' and 'quantity' columns.",
        )
    dc = settings.decimal_comma
    frame = source.with_row_index("__row", offset=1)
    time_text = pl.col(mapping.time).cast(pl.String)
    if mapping.time_of_day:
        time_text = pl.concat_str(
            [time_text, pl.col(mapping.time_of_day)], separator=" ", ignore_nulls=True
        )
    sample = frame.head(settings.sample_rows).select(time_text.alias("t"))["t"]
    detection = detect_format(sample, day_first=settings.day_first, allow_serial=True)
    if detection is None:
        examples = ", ".join(repr(v) for v in sample.drop_nulls().head(3).to_list())
        raise rejected(
            Code.NO_PARSEABLE_DATE,
            f"Column {mapping.time!r} holds no date that can be read (e.g. {examples}).",
            "Use dates such as 2024-01-31, 31/01/2024, 1/31/2024 or 31-Jan-24.",
        )
    warnings = list(mapping.warnings) + list(detection.warnings)
    time_label = mapping.time + (f" + {mapping.time_of_day}" if mapping.time_of_day else "")
    frame = frame.with_columns(
        time_text.alias("__time_text"),
        to_utc(time_text, detection, settings.business_timezone).alias("__time"),
    )
    limit = now + timedelta(days=settings.future_tolerance_days)
    checks = [
        Check(
            "time_missing",
            time_label,
            is_missing(pl.col("__time_text")),
            pl.col("__time_text"),
            "the date is empty",
            Code.UNPARSEABLE_DATES,
        ),
        Check(
            "time_unparseable",
            time_label,
            ~is_missing(pl.col("__time_text")) & pl.col("__time").is_null(),
            pl.col("__time_text"),
            f"the date does not match the column's format ({detection.label})",
            Code.UNPARSEABLE_DATES,
        ),
        Check(
            "time_in_future",
            time_label,
            pl.col("__time") > pl.lit(limit).cast(pl.Datetime("ms", "UTC")),
            pl.col("__time_text"),
            f"the date is later than {limit:%Y-%m-%d}",
            Code.DATES_IN_FUTURE,
        ),
    ]
    numeric = {
        "amount": (mapping.amount, Code.AMOUNTS_NOT_NUMBERS),
        "quantity": (mapping.quantity, Code.QUANTITIES_NOT_NUMBERS),
        "unit_price": (mapping.unit_price, Code.AMOUNTS_NOT_NUMBERS),
        "cost": (mapping.cost, Code.COSTS_NOT_NUMBERS),
        "profit": (mapping.profit, Code.COSTS_NOT_NUMBERS),
        "tax": (mapping.tax, Code.AMOUNTS_NOT_NUMBERS),
        "discount": (mapping.discount, Code.AMOUNTS_NOT_NUMBERS),
    }
    values: dict[str, pl.Expr] = {}
    parsed_columns: list[pl.Series] = []
    for name, (column, code) in numeric.items():
        if column is None:
            continue
        parsed = parse_numbers(frame[column], decimal_comma=dc)
        parsed_columns += [
            parsed.values.alias(f"__n_{name}"),
            parsed.invalid.alias(f"__bad_{name}"),
        ]
        values[name] = pl.col(f"__n_{name}")
        checks.append(
            Check(
                "not_a_number",
                column,
                pl.col(f"__bad_{name}"),
                pl.col(column),
                "the value is not a number",
                code,
            )
        )
    frame = frame.with_columns(parsed_columns)
    amount = _amount(mapping, values)
    amount_sources = [c for c in (mapping.amount, mapping.unit_price, mapping.quantity) if c]
    amount_parts_ok = pl.all_horizontal(
        [~pl.col(f"__bad_{n}") for n in ("amount", "unit_price", "quantity") if n in values]
    )
    checks.append(
        Check(
            "amount_missing",
            amount_sources[0],
            amount.is_null() & amount_parts_ok,
            pl.col(amount_sources[0]),
            "the amount is empty",
            Code.MISSING_AMOUNTS,
        )
    )
    frame = frame.with_columns(
        amount.alias("__amount"), values.get("quantity", pl.lit(None, pl.Float64)).alias("__qty")
    )
    cost = _cost(mapping, values)
    if mapping.cost and mapping.cost_rule == "column" and _cost_is_sales(frame, cost):
        warnings.append(
            f"Column {mapping.cost!r} equals the line's sales value, so it is not a cost; kept as "
            "an extra metric and cost left empty."
        )
        mapping.extras.append(
            Extra(mapping.cost, _free_name(mapping, snake_case(mapping.cost)), "metric")
        )
        mapping.cost, mapping.cost_rule, cost = None, "none", pl.lit(None, pl.Float64)
    frame = frame.with_columns(cost.alias("__cost"))
    dimensions = [d for d in DIMENSIONS if d in ALWAYS_DIMENSIONS or d in mapping.dimensions]
    dimensions += [e.name for e in mapping.extras if e.role == "dimension"]
    metrics = ["gross_revenue", "returns_value", "units_sold", "units_returned", "cost"]
    metrics += [m for m in ("discount", "tax") if m in values]
    metrics += [e.name for e in mapping.extras if e.role == "metric"]
    is_return = ((pl.col("__amount") < 0) | (pl.col("__qty") < 0)).fill_null(False)
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
    return Canonical(frame, checks, detection, dimensions, metrics, warnings)


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


def _cost_is_sales(frame: pl.DataFrame, cost: pl.Expr) -> bool:
    """A 'cogs' column that equals the sales value on nearly every line is not a cost."""
    both = frame.select(cost.alias("c"), pl.col("__amount").alias("a")).drop_nulls()
    if both.height == 0:
        return False
    same = both.select(
        ((pl.col("c") - pl.col("a")).abs() <= 1e-6 * pl.col("a").abs() + 1e-9).mean()
    )
    return float(same.item() or 0) >= 0.95


def _free_name(mapping: Mapping, name: str) -> str:
    taken = {e.name for e in mapping.extras}
    return name if name not in taken else f"{name}_src"


def _text(column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit(None, pl.String)
    value = pl.col(column).cast(pl.String).str.strip_chars()
    return (
        pl.when(value.str.to_lowercase().is_in(_DIM_NA) | value.is_null())
        .then(None)
        .otherwise(value)
    )
