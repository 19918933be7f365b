"""The sale date found from evidence when no column's whole name is a date synonym.

See docs/sales-model.md#column-roles.

A column is a candidate when its sampled cells parse as dates: on more than 90 % of the cells it
earns 2 points plus its coverage. Excel day serials count only for a column whose name has a
date word, since any column of five-digit numbers would read as serials. Date words in the name
add their points; words saying the date of the sale (order, invoice, transaction) add a little
and words for another date (ship, due, delivery, birth) take some away, so "Order Date" beats
"Ship Date". A column of clock times alone is never the date. The leftmost wins a tie.
"""

from __future__ import annotations

import polars as pl

from mauzo_validator.candidates import Candidate, ranked
from mauzo_validator.dates import detect_format, is_time_of_day
from mauzo_validator.names import RoleWords, tokens

WORDS = RoleWords(
    {"date": 3, "dated": 2, "timestamp": 3, "datetime": 3, "day": 2, "time": 1.5, "posted": 1,
     "created": 1, "when": 1, "order": 0.5, "invoice": 0.5, "sale": 0.5, "sales": 0.5,
     "transaction": 0.5, "txn": 0.5, "document": 0.5, "posting": 0.5, "billing": 0.5,
     "ship": -1.5, "shipped": -1.5, "shipping": -1.5, "delivery": -1.5, "delivered": -1.5,
     "due": -1.5, "birth": -1.5, "expiry": -1.5, "expires": -1.5, "modified": -1, "updated": -1},
    frozenset({"year", "month", "week", "quarter", "period", "hour", "days", "age", "id", "no",
               "number", "count"}),
)  # fmt: skip
_COVERAGE = 0.9


def score_time_columns(
    frame: pl.DataFrame, columns: list[str], *, day_first: bool
) -> list[Candidate]:
    """Every column of `columns` with dates in it, best first; `qualified` when over 90 % parse.

    A named column that qualifies outscores any unnamed one (at least 1 + 2.9 against at most
    3), so the unnamed columns are read only when no named column qualified."""
    points = {c: WORDS.points(c) for c in columns}
    named = [c for c in columns if (points[c] or 0) >= 1]
    found = [c for c in (_score(frame, c, points[c] or 0, day_first) for c in named) if c]
    if not any(c.qualified for c in found):
        rest = [c for c in columns if c not in named and points[c] is not None]
        found += [c for c in (_score(frame, c, points[c] or 0, day_first) for c in rest) if c]
    return ranked(found, rightmost=False)


def _score(frame: pl.DataFrame, column: str, named: float, day_first: bool) -> Candidate | None:
    sample = frame[column]
    detection = detect_format(sample, day_first=day_first, allow_serial=named >= 1)
    if detection is None or is_time_of_day(sample):
        return None
    score, evidence = round(detection.coverage, 3), []
    if named:
        score += named
        evidence.append(f"name {tokens(column)} names a date ({named:+g})")
    covered = f"{100 * detection.coverage:.0f} % of cells read as {detection.label}"
    qualified = detection.coverage > _COVERAGE
    if qualified:
        score += 2.0
        evidence.append(f"{covered} (+{2 + detection.coverage:.2f})")
    else:
        evidence.append(f"only {covered} (+{detection.coverage:.2f})")
    index = frame.columns.index(column)
    return Candidate(column, round(score, 3), evidence, index, qualified)
