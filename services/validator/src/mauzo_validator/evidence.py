"""What a column's cells say about its role: one small test per kind of evidence.

See docs/sales-model.md#column-roles.

Each test looks at the sample the validator already read for sniffing and returns the points it
is worth with the sentence shown in the report and in analyze-schema, or None when it says
nothing. Points are signed: evidence against a role lowers the score.
"""

from __future__ import annotations

import polars as pl

from mauzo_validator.numbers import parse_numbers

Points = tuple[float, str]
_STEADY = 0.01
"""Two figures keep a constant ratio when 90 % of the lines are within 1 % of its median."""


def numbers(series: pl.Series, *, decimal_comma: bool) -> pl.Series | None:
    """The column as numbers when at least 98 % of its cells are; else None (no numeric role)."""
    parsed = parse_numbers(series, decimal_comma=decimal_comma)
    if parsed.values.drop_nulls().len() == 0:
        return None
    if int(parsed.invalid.sum()) > 0.02 * max(1, series.len()):
        return None
    return parsed.values


def _share(mask: pl.Series) -> float:
    value = mask.cast(pl.Float64).mean()
    return float(value) if isinstance(value, float) else 0.0


def non_negative(values: pl.Series) -> Points | None:
    if _share(values.drop_nulls() >= 0) >= 0.9:
        return 0.5, "mostly non-negative (+0.5)"
    return None


def running_id(values: pl.Series) -> Points | None:
    """Whole numbers rising by exactly 1 on every line are a row number, not a figure."""
    present = values.drop_nulls()
    if present.len() < 3 or not bool((present == present.round(0)).all()):
        return None
    if bool((present.diff().drop_nulls() == 1).all()):
        return -3.0, "a running number, like an id (-3)"
    return None


def whole_numbers(values: pl.Series) -> Points | None:
    present = values.drop_nulls()
    if _share(present == present.round(0)) >= 0.95:
        return 1.0, "whole numbers (+1)"
    return -1.0, "fractions on more than 5 % of lines (-1)"


def small_magnitudes(values: pl.Series) -> Points | None:
    """Counts of items on a line are small; money often is not."""
    median = values.drop_nulls().abs().median()
    if isinstance(median, float) and median <= 1000:
        return 0.5, f"small values (median {median:g}) (+0.5)"
    return None


def fixed_rate(values: pl.Series) -> Points | None:
    """One non-zero value on every line is a rate or a flag, not a figure of the line."""
    present = values.drop_nulls()
    if present.len() >= 3 and present.n_unique() == 1 and present[0] != 0:
        return -1.5, f"the same {present[0]:g} on every line, a rate rather than a figure (-1.5)"
    return None


def steady_ratio(values: pl.Series, reference: pl.Series) -> float | None:
    """The median of values / reference when it holds on 90 % of the lines, else None."""
    both = pl.DataFrame({"v": values, "r": reference}).drop_nulls().filter(pl.col("r") != 0)
    if both.height == 0:
        return None
    ratio = both["v"] / both["r"]
    median = ratio.median()
    if not isinstance(median, float) or median <= 0:
        return None
    if _share((ratio - median).abs() <= _STEADY * median) < 0.9:
        return None
    return median


def completes_line_value(
    values: pl.Series, partner: pl.Series, amount: pl.Series, partner_name: str
) -> Points | None:
    """The amount equals this column times its partner (quantity x unit price), or a constant
    multiple of it, such as a tax-inclusive total."""
    ratio = steady_ratio(amount, values * partner)
    if ratio is None:
        return None
    if abs(ratio - 1) <= _STEADY:
        return 2.0, f"amount = this x {partner_name} on the lines (+2)"
    return 1.0, f"amount = {ratio:.4g} x this x {partner_name} on the lines (+1)"


def share_of_amount(values: pl.Series, amount: pl.Series) -> Points | None:
    """A tax is the same share of every line's amount."""
    ratio = steady_ratio(values, amount)
    if ratio is None or ratio > 0.5:
        return None
    return 2.0, f"a constant {100 * ratio:.3g} % of the amount (+2)"


def below_amount(values: pl.Series, amount: pl.Series, *, most: float) -> Points:
    """Costs and discounts stay below the line's amount on (nearly) every line."""
    both = pl.DataFrame({"v": values, "a": amount}).drop_nulls()
    below = _share(both["v"].abs() <= both["a"].abs()) if both.height else 0.0
    if below >= most:
        return 1.0, f"at most the amount on {100 * below:.0f} % of lines (+1)"
    return -1.0, f"above the amount on {100 * (1 - below):.0f} % of lines (-1)"


def names_an_entity(words: list[str]) -> Points | None:
    """'Store Name' or 'Item Description' reads better in a report than a code."""
    if {"name", "names", "description", "desc", "title"} & set(words):
        return 0.5, "a name rather than a code (+0.5)"
    return None


def repeats_like_an_invoice(text: pl.Series) -> Points:
    """Invoice numbers are many and each covers one or a few lines."""
    present = text.drop_nulls()
    distinct = present.n_unique()
    if present.len() >= 20 and distinct < 0.05 * present.len():
        return -2.0, f"only {distinct} distinct values, a category rather than an id (-2)"
    if distinct < present.len():
        return 1.0, "many distinct values, some repeated across lines (+1)"
    return 0.5, "a distinct value on every line (+0.5)"
