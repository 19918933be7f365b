"""Quantity, unit price, cost, discount and tax found from evidence when no name is a synonym.

See docs/sales-model.md#column-roles.

A column is a candidate only when at least 98 % of its sampled cells are numbers and no word of
its name names something else (an id, a rate, another measure). It qualifies with at least 2
points from the words of its name; what the cells hold then adds or takes away: whole small
numbers for a quantity, amount = quantity x unit price, a cost or discount below the amount on
most lines, a tax that is a constant share of the amount; a running number or one fixed rate on
every line counts against any measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from mauzo_validator.candidates import Candidate, ranked
from mauzo_validator.evidence import (
    Points,
    below_amount,
    completes_line_value,
    fixed_rate,
    non_negative,
    numbers,
    running_id,
    share_of_amount,
    small_magnitudes,
    whole_numbers,
)
from mauzo_validator.names import RoleWords, tokens

_ID = {"id", "code", "ref", "sku", "zip", "postal", "phone", "year", "month", "week", "rating",
       "score", "rank", "age", "date"}  # fmt: skip
_QTY = {"qty", "quantity", "quantities", "units", "pcs", "pieces", "count"}
_PRICE = {"price", "prices", "each", "per", "rate", "mrp"}
_COST = {"cost", "costs", "cogs", "purchase", "expense", "expenses"}
_TAX = {"tax", "taxes", "vat", "gst", "levy", "duty"}
_DISCOUNT = {"discount", "discounts", "disc", "rebate", "markdown"}
_TOTALS = {"amount", "amt", "total", "subtotal", "value", "revenue", "turnover", "takings"}
_SHARES = {"pct", "percent", "percentage", "share", "ratio", "margin", "profit", "markup"}
_RETURNS = {"returned", "return", "returns", "refund", "refunded"}
_NET_OF = {"incl", "inclusive", "including", "excl", "exclusive", "excluding", "before", "after",
           "net", "gross", "less", "with", "without"}  # fmt: skip

WORDS: dict[str, RoleWords] = {
    "quantity": RoleWords(
        {"qty": 3, "quantity": 3, "quantities": 3, "units": 3, "pcs": 3, "pieces": 3,
         "count": 2, "volume": 2, "sold": 0.5},
        frozenset(_ID | _PRICE | _COST | _TAX | _DISCOUNT | _TOTALS | _SHARES | _RETURNS),
    ),
    "unit_price": RoleWords(
        {"price": 3, "prices": 3, "mrp": 3, "rate": 1.5, "each": 1, "unit": 1, "per": 0.5,
         "selling": 0.5, "retail": 0.5},
        frozenset(_ID | _QTY | _COST | _TAX | _DISCOUNT | _TOTALS | _SHARES | {"purchase"}),
    ),
    "cost": RoleWords(
        {"cost": 3, "costs": 3, "cogs": 3, "expense": 2, "expenses": 2, "purchase": 1,
         "buying": 1, "landed": 1},
        frozenset(_ID | _QTY | _PRICE | _TAX | _DISCOUNT | _SHARES | {"unit"}),
    ),
    "discount": RoleWords(
        {"discount": 3, "discounts": 3, "disc": 2.5, "rebate": 2.5, "markdown": 2.5, "promo": 1},
        frozenset(_ID | _QTY | _PRICE | _COST | _TAX | _SHARES | _NET_OF),
    ),
    "tax": RoleWords(
        {"tax": 3, "taxes": 3, "vat": 3, "gst": 3, "levy": 2.5, "duty": 2},
        frozenset(_ID | _QTY | _PRICE | _COST | _DISCOUNT | _SHARES | _NET_OF
                  | {"total", "subtotal", "taxable"}),
    ),
}  # fmt: skip
QUALIFY = 2.0


@dataclass(frozen=True)
class Known:
    """Figures already mapped on the sample, the reference for the relations between measures."""

    amount: pl.Series | None = None
    quantity: pl.Series | None = None
    unit_price: pl.Series | None = None


def _content(role: str, known: Known) -> list[Callable[[pl.Series], Points | None]]:
    tests: list[Callable[[pl.Series], Points | None]] = [running_id, fixed_rate]
    amount = known.amount
    if role == "quantity":
        tests += [whole_numbers, small_magnitudes]
        if amount is not None and known.unit_price is not None:
            price = known.unit_price
            tests.append(lambda v: completes_line_value(v, price, amount, "unit price"))
    elif role == "unit_price":
        tests.append(non_negative)
        if amount is not None and known.quantity is not None:
            qty = known.quantity
            tests.append(lambda v: completes_line_value(v, qty, amount, "quantity"))
    elif amount is not None and role in ("cost", "discount"):
        most = 0.8 if role == "cost" else 0.95
        tests.append(lambda v: below_amount(v, amount, most=most))
    elif amount is not None and role == "tax":
        tests.append(lambda v: share_of_amount(v, amount))
    return tests


def named_columns(role: str, columns: list[str]) -> list[str]:
    """The columns whose name gives them any chance at `role`; only these are read."""
    return [c for c in columns if WORDS[role].points(c)]


def score_measure(
    role: str, frame: pl.DataFrame, columns: list[str], known: Known, *, decimal_comma: bool
) -> list[Candidate]:
    """Every candidate column of `columns` for `role`, best first."""
    found: list[Candidate] = []
    for column in columns:
        named = WORDS[role].points(column)
        if not named:
            continue
        values = numbers(frame[column], decimal_comma=decimal_comma)
        if values is None:
            continue
        score, evidence = named, [f"name {tokens(column)} names the {role} (+{named:g})"]
        for test in _content(role, known):
            points = test(values)
            if points is not None:
                score += points[0]
                evidence.append(points[1])
        index = frame.columns.index(column)
        found.append(Candidate(column, round(score, 3), evidence, index, named >= QUALIFY))
    return ranked(found, rightmost=True)
