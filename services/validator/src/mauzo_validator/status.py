"""Order statuses: which lines are sales, which are returns, which never happened.

See docs/sales-model.md#order-status.

A status column (its name has the word "status" and most of its values are statuses this module
knows) sorts each line by the words of its status, first match wins:

- excluded (cancelled, canceled, void, voided, failed, declined, rejected, abandoned, deleted):
  the sale never happened, so the line is left out of the sales and counted in the report;
- return (returned, refunded, return, refund, rto): the line is a return, whatever its sign;
- sale (delivered, completed, shipped, paid, closed, fulfilled, invoiced, dispatched, …);
- anything else (pending, processing, on hold, unknown): loaded as a sale and reported, since
  most such orders are billed.

The options `excluded_statuses` and `return_statuses` (comma-separated words or values) replace
the first two lists for one upload (an empty value: none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from mauzo_common.options import ParsingOptions

StatusClass = Literal["excluded", "return", "sale", "other"]
EXCLUDED_WORDS = (
    "cancelled", "canceled", "cancel", "void", "voided", "failed", "declined", "rejected",
    "abandoned", "deleted",
)  # fmt: skip
RETURN_WORDS = ("returned", "refunded", "return", "refund", "rto", "chargeback")
SALE_WORDS = (
    "delivered", "completed", "complete", "shipped", "paid", "closed", "fulfilled", "invoiced",
    "dispatched", "success", "successful", "done", "sold", "posted",
)  # fmt: skip
_KNOWN_SHARE = 0.5


def _words(entries: Iterable[str]) -> str:
    alternatives = "|".join(re.escape(e.strip().casefold()) for e in entries if e.strip())
    return rf"(?i)(?:^|[^a-z]){'(?:' + alternatives + ')'}(?:$|[^a-z])" if alternatives else "$^"


@dataclass(frozen=True)
class StatusRule:
    excluded: tuple[str, ...] = EXCLUDED_WORDS
    returns: tuple[str, ...] = RETURN_WORDS

    @classmethod
    def from_options(cls, options: ParsingOptions) -> StatusRule:
        excluded, returns = options.excluded_statuses, options.return_statuses
        return cls(
            excluded=EXCLUDED_WORDS if excluded is None else excluded,
            returns=RETURN_WORDS if returns is None else returns,
        )

    def describe(self) -> str:
        return (
            f"excluded: {', '.join(self.excluded)}; returns: {', '.join(self.returns)}; sales: "
            f"{', '.join(SALE_WORDS)}; any other status is loaded as a sale and reported"
        )

    def classify(self, text: pl.Expr) -> pl.Expr:
        """'excluded' | 'return' | 'sale' | 'other' per line (null status: 'other')."""
        value = text.cast(pl.String).str.strip_chars()
        return (
            pl.when(value.str.contains(_words(self.excluded)))
            .then(pl.lit("excluded"))
            .when(value.str.contains(_words(self.returns)))
            .then(pl.lit("return"))
            .when(value.str.contains(_words(SALE_WORDS)))
            .then(pl.lit("sale"))
            .otherwise(pl.lit("other"))
        )


def looks_like_status(name: str, sample: pl.Series) -> bool:
    if "status" not in re.sub(r"[^a-z]", "", name.casefold()):
        return False
    values = sample.cast(pl.String).drop_nulls()
    if values.len() == 0:
        return False
    known = pl.DataFrame({"v": values}).select(StatusRule().classify(pl.col("v")) != "other")
    return float(known.to_series().mean() or 0.0) >= _KNOWN_SHARE  # type: ignore[arg-type]


@dataclass
class StatusTally:
    """Rows per status value across batches, with the class each went to (the quality report)."""

    rule: StatusRule
    column: str
    rows: dict[str, int] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)

    def add(self, statuses: pl.Series, classes: pl.Series) -> None:
        frame = pl.DataFrame({"s": statuses.fill_null(""), "c": classes})
        for status, klass, rows in frame.group_by("s", "c").len().iter_rows():
            self.rows[status] = self.rows.get(status, 0) + rows
            self.classes[status] = klass

    @property
    def excluded_rows(self) -> int:
        return sum(n for s, n in self.rows.items() if self.classes[s] == "excluded")

    def warnings(self) -> list[str]:
        def listed(klass: str) -> str:
            found = [
                f"{s or '(empty)'}: {n}" for s, n in self.rows.items() if self.classes[s] == klass
            ]
            return ", ".join(found)

        out = []
        if self.excluded_rows:
            out.append(
                f"{self.excluded_rows} lines left out of the sales by their {self.column!r} "
                f"status ({listed('excluded')})."
            )
        if any(c == "other" for c in self.classes.values()):
            out.append(
                f"Lines with a status not known to be final were loaded as sales "
                f"({listed('other')}); set the option excluded_statuses to leave them out."
            )
        return out

    def as_report(self) -> dict[str, object]:
        return {
            "column": self.column,
            "rule": self.rule.describe(),
            "counts": {
                s or "(empty)": {"rows": n, "loaded_as": _LOADED_AS[self.classes[s]]}
                for s, n in sorted(self.rows.items(), key=lambda item: -item[1])
            },
            "excluded_rows": self.excluded_rows,
        }


_LOADED_AS = {
    "excluded": "excluded",
    "return": "return",
    "sale": "sale",
    "other": "sale (status not known)",
}
