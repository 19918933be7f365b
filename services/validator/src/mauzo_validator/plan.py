"""Decisions made once per file from its sample, before any batch is built (canonical.py).

The date format of the time column (with its evidence), and whether a mapped "cost" column is
really a cost: deciding these on the sample keeps every batch of a big file read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from mauzo_validator import excel
from mauzo_validator.dates import DateDetection, detect_format
from mauzo_validator.errors import Code, rejected
from mauzo_validator.mapping import Extra, Mapping, snake_case
from mauzo_validator.numbers import parse_numbers
from mauzo_validator.status import StatusRule


@dataclass
class Plan:
    detection: DateDetection
    time_label: str
    warnings: list[str] = field(default_factory=list)
    status: StatusRule = field(default_factory=StatusRule)

    @property
    def date_formats(self) -> dict[str, str]:
        return {self.time_label: self.detection.label}


def time_text(mapping: Mapping, *, excel_1904: bool = False) -> pl.Expr:
    assert mapping.time is not None
    text = pl.col(mapping.time).cast(pl.String)
    if mapping.time_of_day:
        clock = excel.clock_part(pl.col(mapping.time_of_day).cast(pl.String))
        day = excel.date_part(text, excel.epoch(excel_1904))
        text = pl.concat_str([day, clock], separator=" ", ignore_nulls=True)
    return text


def make_plan(
    sample: pl.DataFrame,
    mapping: Mapping,
    *,
    day_first: bool,
    dc: bool,
    excel_1904: bool = False,
    status: StatusRule | None = None,
) -> Plan:
    columns = ", ".join(sample.columns[:30])
    if mapping.time is None:
        best = mapping.candidates.get("time", [])
        raise rejected(
            Code.NO_TIME_COLUMN,
            f"No column holds the sale date. Columns found: {columns}."
            + (f" Closest: {'; '.join(c.describe() for c in best)}." if best else ""),
            (f'Map one with mapping={{"time": "{best[0].column}"}}, or add' if best else "Add")
            + " a date column named e.g. 'date', 'order date' or 'invoice date' with values such "
            "as 2024-01-31.",
        )
    if mapping.amount_rule == "missing":
        best = mapping.candidates.get("amount", [])
        raise rejected(
            Code.NO_AMOUNT_COLUMN,
            f"No column holds the sales amount. Columns found: {columns}."
            + (
                f" Closest numeric columns: {'; '.join(c.describe() for c in best)}."
                if best
                else ""
            ),
            (f'Map one with mapping={{"amount": "{best[0].column}"}}, or add' if best else "Add")
            + " an 'amount' (or 'sales', 'total') column, or 'unit price' and 'quantity' columns.",
        )
    text = sample.select(time_text(mapping, excel_1904=excel_1904).alias("t"))["t"]
    detection = detect_format(text, day_first=day_first, allow_serial=True)
    if detection is not None and excel_1904:
        detection = detection.in_1904_system()
    if detection is None:
        examples = ", ".join(repr(v) for v in text.drop_nulls().head(3).to_list())
        raise rejected(
            Code.NO_PARSEABLE_DATE,
            f"Column {mapping.time!r} holds no date that can be read (e.g. {examples}).",
            "Use dates such as 2024-01-31, 31/01/2024, 1/31/2024 or 31-Jan-24.",
        )
    label = mapping.time + (f" + {mapping.time_of_day}" if mapping.time_of_day else "")
    plan = Plan(detection, label, [*mapping.warnings, *detection.warnings], status or StatusRule())
    if _cost_is_sales(sample, mapping, dc):
        assert mapping.cost is not None
        plan.warnings.append(
            f"Column {mapping.cost!r} equals the line's sales value, so it is not a cost; kept as "
            "an extra metric and cost left empty."
        )
        taken = {e.name for e in mapping.extras}
        name = snake_case(mapping.cost)
        mapping.extras.append(
            Extra(mapping.cost, name if name not in taken else f"{name}_src", "metric")
        )
        mapping.cost, mapping.cost_rule = None, "none"
    return plan


def _cost_is_sales(sample: pl.DataFrame, mapping: Mapping, dc: bool) -> bool:
    """A 'cogs' column that equals the sales value on nearly every line is not a cost."""
    if not mapping.cost or mapping.cost_rule != "column" or "cost" in mapping.fixed:
        return False
    if mapping.expressions or mapping.amount_rule == "missing":
        return False

    def number(column: str | None) -> pl.Series:
        if column is None:
            return pl.Series([None] * sample.height, dtype=pl.Float64)
        return parse_numbers(sample[column], decimal_comma=dc).values

    if mapping.amount_rule == "price_x_quantity":
        amount = number(mapping.unit_price) * number(mapping.quantity)
    elif mapping.amount_rule == "total_minus_tax":
        amount = number(mapping.amount) - number(mapping.tax).fill_null(0.0)
    else:
        amount = number(mapping.amount)
    both = pl.DataFrame({"c": number(mapping.cost), "a": amount}).drop_nulls()
    if both.height == 0:
        return False
    same = both.select(
        ((pl.col("c") - pl.col("a")).abs() <= 1e-6 * pl.col("a").abs() + 1e-9).mean()
    )
    return float(same.item() or 0) >= 0.95
