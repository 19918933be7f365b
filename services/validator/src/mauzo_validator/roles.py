"""Which column is the sales amount, scored from evidence rather than looked up in a list of names.

See docs/sales-model.md#column-roles.

Used when no column's whole name is a known amount synonym (synonyms.py and a remembered mapping
still win). Each numeric column earns points from three kinds of evidence:

- name tokens (split on case, digits and punctuation): a sales word (sales, revenue, amount,
  turnover, total, value, net, gross, …) earns points; qualifiers (a period, a unit, a currency,
  "order", "line") are ignored; a word that names another role (qty, cost, tax, id, rate, …)
  disqualifies the column;
- content: at least 98 % of the cells are numbers (else the column is no candidate), mostly
  non-negative, not a running id, equal to quantity × unit price on the line (strong), or a
  constant multiple of it such as a tax-inclusive total;
- position: a little for being further right, where exports put their totals.

The highest score wins; on a tie the column further right. A column needs a sales word or the
quantity × price relation to qualify; when two qualify the choice is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from mauzo_validator.numbers import parse_numbers

SALES_WORDS: dict[str, float] = {
    "sales": 3.0,
    "sale": 2.5,
    "revenue": 3.0,
    "revenues": 3.0,
    "turnover": 3.0,
    "amount": 3.0,
    "amt": 2.5,
    "total": 2.0,
    "subtotal": 2.0,
    "value": 2.0,
    "val": 1.5,
    "net": 1.0,
    "gross": 1.0,
    "income": 1.5,
    "takings": 2.5,
    "price": 0.5,
}
OTHER_ROLE_WORDS = frozenset(
    {
        "qty", "quantity", "units", "unit", "count", "number", "no", "num", "id", "code",
        "cost", "cogs", "profit", "margin", "tax", "vat", "discount", "rate", "percent",
        "pct", "share", "ratio", "year", "month", "week", "day", "rating", "score", "each",
        "avg", "average", "mean", "zip", "postal", "phone", "age", "weight", "size", "rank",
    }
)  # fmt: skip
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_RELATION_TOLERANCE = 0.01
_QUALIFY = 1.0


def tokens(name: str) -> list[str]:
    """'Net_Sales (KES)' -> ['net', 'sales', 'kes']; 'MonthlyRevenue2024' -> [..., '2024']."""
    return [t.casefold() for t in _TOKEN.findall(name)]


def name_score(name: str) -> float:
    """Points for sales words; minus infinity when a word names another role; 0 for none."""
    words = tokens(name)
    if any(w in OTHER_ROLE_WORDS for w in words):
        return float("-inf")
    return sum(SALES_WORDS.get(w, 0.0) for w in set(words))


@dataclass(frozen=True)
class Candidate:
    column: str
    score: float
    evidence: list[str]

    @property
    def qualifies(self) -> bool:
        return self.score >= _QUALIFY and any(not e.startswith("position") for e in self.evidence)

    @property
    def confidence(self) -> float:
        return round(max(0.0, min(0.99, self.score / (self.score + 2.0))), 2)


def score_amount_columns(
    frame: pl.DataFrame,
    columns: list[str],
    *,
    decimal_comma: bool,
    line_value: pl.Series | None = None,
) -> list[Candidate]:
    """Every numeric column of `columns` with its score and evidence, best first.

    `line_value`: quantity × unit price per row when both are mapped, the strongest evidence.
    """
    found: list[Candidate] = []
    width = max(1, len(frame.columns) - 1)
    for column in columns:
        words = name_score(column)
        if words == float("-inf"):
            continue
        parsed = parse_numbers(frame[column], decimal_comma=decimal_comma)
        values = parsed.values
        present = values.drop_nulls()
        if present.len() == 0 or int(parsed.invalid.sum()) > 0.02 * max(1, frame.height):
            continue
        score, evidence = words, []
        if words:
            evidence.append(f"name {tokens(column)} has sales words (+{words:g})")
        if float((present >= 0).mean() or 0.0) >= 0.9:  # type: ignore[arg-type]
            score += 0.5
            evidence.append("mostly non-negative (+0.5)")
        if _running_id(present):
            score -= 3.0
            evidence.append("a running number, like an id (-3)")
        if line_value is not None:
            score += _relation(values, line_value, evidence)
        position = frame.columns.index(column) / width
        score += 0.25 * position
        evidence.append(f"position {frame.columns.index(column) + 1} (+{0.25 * position:.2f})")
        found.append(Candidate(column, round(score, 3), evidence))
    found.sort(key=lambda c: (c.score, frame.columns.index(c.column)), reverse=True)
    return found


def _running_id(values: pl.Series) -> bool:
    if values.len() < 3 or not bool((values == values.round(0)).all()):
        return False
    steps = values.diff().drop_nulls()
    return bool((steps == 1).all())


def _relation(values: pl.Series, line_value: pl.Series, evidence: list[str]) -> float:
    both = pl.DataFrame({"v": values, "l": line_value}).drop_nulls().filter(pl.col("l") != 0)
    if both.height == 0:
        return 0.0
    ratio = both["v"] / both["l"]
    median = ratio.median()
    if not isinstance(median, float) or median <= 0:
        return 0.0
    steady = float(((ratio - median).abs() <= _RELATION_TOLERANCE * median).mean() or 0.0)  # type: ignore[arg-type]
    if steady < 0.9:
        return 0.0
    if abs(median - 1) <= _RELATION_TOLERANCE:
        evidence.append("equals quantity x unit price (+3)")
        return 3.0
    evidence.append(f"a constant {median:.4g} x quantity x unit price, e.g. tax included (+1.5)")
    return 1.5


def competition_warning(chosen: Candidate, others: list[Candidate]) -> str | None:
    rivals = [c for c in others if c.qualifies]
    if not rivals:
        return None
    names = ", ".join(f"{c.column!r} ({c.score:g})" for c in rivals)
    return (
        f"Sales amount: {chosen.column!r} (score {chosen.score:g}) chosen over {names}: the "
        "highest evidence score wins, the rightmost on a tie. Map 'amount' to another column "
        "to use it."
    )
