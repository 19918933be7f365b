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

A column needs a sales word or the quantity × price relation to qualify; candidates.py picks
(the highest score, the rightmost on a tie) and words the warning when two qualify.
"""

from __future__ import annotations

import polars as pl

from mauzo_validator.candidates import Candidate, ranked
from mauzo_validator.evidence import non_negative, numbers, running_id, steady_ratio
from mauzo_validator.names import tokens

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
        "pcs", "pieces", "gst", "disc", "rebate",
    }
)  # fmt: skip
_QUALIFY = 1.0


def name_score(name: str) -> float:
    """Points for sales words; minus infinity when a word names another role; 0 for none."""
    words = tokens(name)
    if any(w in OTHER_ROLE_WORDS for w in words):
        return float("-inf")
    return sum(SALES_WORDS.get(w, 0.0) for w in set(words))


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
        values = numbers(frame[column], decimal_comma=decimal_comma)
        if values is None:
            continue
        score, evidence = words, []
        if words:
            evidence.append(f"name {tokens(column)} has sales words (+{words:g})")
        for points in (non_negative(values), running_id(values)):
            if points is not None:
                score += points[0]
                evidence.append(points[1])
        if line_value is not None:
            score += _relation(values, line_value, evidence)
        index = frame.columns.index(column)
        score += 0.25 * index / width
        evidence.append(f"position {index + 1} (+{0.25 * index / width:.2f})")
        content = any(not e.startswith("position") for e in evidence)
        found.append(
            Candidate(column, round(score, 3), evidence, index, score >= _QUALIFY and content)
        )
    return ranked(found, rightmost=True)


def _relation(values: pl.Series, line_value: pl.Series, evidence: list[str]) -> float:
    ratio = steady_ratio(values, line_value)
    if ratio is None:
        return 0.0
    if abs(ratio - 1) <= 0.01:
        evidence.append("equals quantity x unit price (+3)")
        return 3.0
    evidence.append(f"a constant {ratio:.4g} x quantity x unit price, e.g. tax included (+1.5)")
    return 1.5
