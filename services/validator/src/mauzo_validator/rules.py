"""Row rules and the error budget: which rows are invalid, why, and whether the file may load.

A check is data (rule name, the source column it is about, a failing-row expression, the raw value
to show); evaluating them yields per-rule counts, the first examples cell by cell, and the mask of
invalid rows. Over the budget (default 5 % of rows) the whole file is refused with the code of the
most frequent failure; otherwise the valid rows load and the invalid ones are kept aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from mauzo_validator.errors import Code, rejected

_HINTS: dict[Code, str] = {
    Code.NO_PARSEABLE_DATE: "Use one date format in the column, e.g. 2024-01-31 or 31/01/2024.",
    Code.UNPARSEABLE_DATES: "Fill in or correct the dates of these rows (one format per column).",
    Code.ALL_DATES_IN_FUTURE: "Check the year and the day/month order of the dates.",
    Code.DATES_IN_FUTURE: "Check the year and the day/month order of these dates.",
    Code.AMOUNTS_NOT_NUMBERS: "Amounts must be numbers such as 1200, 1,200.50, KSh 1,200 or (300).",
    Code.MISSING_AMOUNTS: "Fill in the amount of every sale or return line.",
    Code.QUANTITIES_NOT_NUMBERS: "Quantities must be numbers such as 3, -1 or 2.5.",
    Code.COSTS_NOT_NUMBERS: "Costs must be numbers such as 800 or 1,200.50.",
}


# 1.234,50 / 760,50 / -3,5: a comma followed by one or two digits at the end, dots (if any)
# grouping thousands before it.
_DECIMAL_COMMA = re.compile(r"^[-+(]?\D{0,4}\s?\d{1,3}(?:[.\s]?\d{3})*,\d{1,2}\)?$")


@dataclass(frozen=True)
class Check:
    rule: str
    column: str
    failed: pl.Expr
    value: pl.Expr
    message: str
    code: Code


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    value: str | None
    rule: str
    message: str


@dataclass
class RuleOutcome:
    rows: int
    invalid: pl.Series
    counts: dict[str, int] = field(default_factory=dict)
    """Failures per `rule:column`."""
    examples: list[CellError] = field(default_factory=list)
    reasons: pl.Series | None = None
    """Per row: every failed check's message joined by '; ' (null on valid rows)."""

    @property
    def invalid_rows(self) -> int:
        return int(self.invalid.sum())


def evaluate(frame: pl.DataFrame, checks: list[Check], *, examples: int) -> RuleOutcome:
    if not checks:
        empty = pl.Series("invalid", [False] * frame.height)
        return RuleOutcome(frame.height, empty)
    flags = frame.select(
        pl.col("__row"),
        *(c.failed.fill_null(False).alias(f"f{i}") for i, c in enumerate(checks)),
        *(c.value.cast(pl.String).alias(f"v{i}") for i, c in enumerate(checks)),
    )
    names = [f"f{i}" for i in range(len(checks))]
    invalid = flags.select(pl.any_horizontal(names).alias("invalid"))["invalid"]
    messages = [
        pl.when(pl.col(f"f{i}")).then(pl.lit(f"{c.column}: {c.message}"))
        for i, c in enumerate(checks)
    ]
    reasons = flags.select(
        pl.when(pl.any_horizontal(names))
        .then(pl.concat_str(messages, separator="; ", ignore_nulls=True))
        .alias("reasons")
    )["reasons"]
    outcome = RuleOutcome(frame.height, invalid, reasons=reasons)
    sums = flags.select(pl.col(names).sum()).row(0)
    for check, count in zip(checks, sums, strict=True):
        if count:
            outcome.counts[f"{check.rule}:{check.column}"] = int(count)
    for i, check in enumerate(checks):
        failing = flags.filter(pl.col(f"f{i}")).head(examples)
        for row, value in failing.select("__row", f"v{i}").iter_rows():
            outcome.examples.append(CellError(row, check.column, value, check.rule, check.message))
    return outcome


@dataclass
class Totals:
    """Rule outcomes summed over every batch of a file (examples kept per rule, bounded)."""

    limit: int
    rows: int = 0
    invalid_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, list[CellError]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def add(self, outcome: RuleOutcome, checks: list[Check]) -> None:
        if not self.order:
            self.order = [f"{c.rule}:{c.column}" for c in checks]
        self.rows += outcome.rows
        self.invalid_rows += outcome.invalid_rows
        for key, count in outcome.counts.items():
            self.counts[key] = self.counts.get(key, 0) + count
        for example in outcome.examples:
            kept = self.by_rule.setdefault(f"{example.rule}:{example.column}", [])
            if len(kept) < self.limit:
                kept.append(example)

    @property
    def examples(self) -> list[CellError]:
        keys = [k for k in self.order if k in self.by_rule]
        return [e for k in keys for e in self.by_rule[k]][: self.limit]


def enforce_budget(outcome: Totals, checks: list[Check], budget: float) -> None:
    """Refuse the file when too many rows are invalid (or none is valid)."""
    bad = outcome.invalid_rows
    if bad == 0 or (bad / max(1, outcome.rows) <= budget and bad < outcome.rows):
        return
    by_key = {f"{c.rule}:{c.column}": c for c in checks}
    key, count = max(outcome.counts.items(), key=lambda kv: kv[1])
    check = by_key[key]
    code = check.code
    if count == outcome.rows and code == Code.UNPARSEABLE_DATES:
        code = Code.NO_PARSEABLE_DATE
    if count == outcome.rows and code == Code.DATES_IN_FUTURE:
        code = Code.ALL_DATES_IN_FUTURE
    example = next(iter(outcome.by_rule.get(key, [])), None)
    where = f" First at row {example.row}: {example.value!r}." if example else ""
    share = bad / outcome.rows
    hint = _HINTS.get(code, "Correct the rows listed in the quality report and upload again.")
    if example and example.value and _DECIMAL_COMMA.match(example.value.strip()):
        hint = (
            f"Values such as {example.value!r} look like numbers written with a decimal comma: "
            'upload again with the option {"decimal_comma": true}.'
        )
    raise rejected(
        code,
        f"{bad:,} of {outcome.rows:,} rows ({share:.1%}) are invalid, more than the "
        f"{budget:.0%} allowed; nothing was loaded. Most common problem: column {check.column!r}: "
        f"{check.message} ({count:,} rows).{where}",
        hint,
    )
