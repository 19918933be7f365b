"""Currencies: a datasource's currency, the symbols and codes that name one, its minor unit.

See docs/sales-model.md#money-and-currency.

A datasource has one currency: `MAUZO_CURRENCY` (KES unless set), or its entry in
`MAUZO_DATASOURCE_CURRENCIES` (JSON, datasource -> ISO 4217 code). The validator refuses a file
whose cells or amount headers name another currency; query-api says the currency on every answer
and rounds money to its minor unit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_CURRENCY = "KES"


@dataclass(frozen=True)
class Currency:
    code: str
    minor_units: int
    marks: tuple[str, ...]
    """Symbols and words that name it in a cell or a header, besides its code."""


CURRENCIES = {
    c.code: c
    for c in (
        Currency("KES", 2, ("ksh", "kshs", "ksh.", "ks", "/=", "/-")),
        Currency("USD", 2, ("$", "us$")),
        Currency("EUR", 2, ("€",)),
        Currency("GBP", 2, ("£",)),
        Currency("NGN", 2, ("₦",)),
        Currency("UGX", 0, ("ush",)),
        Currency("TZS", 2, ("tsh",)),
        Currency("JPY", 0, ("¥",)),
    )
}
_MARKS = sorted(
    ((m, c.code) for c in CURRENCIES.values() for m in (*c.marks, c.code.casefold())),
    key=lambda pair: -len(pair[0]),
)
_WORD = re.compile(r"[a-z$€£₦¥/=\-.]+")
_HEAD_MARK = re.compile(r"^[\s(-]*(us\$|ksh?s?\.?|[a-z]{3}|[$€£₦¥])\s*[\d(.-]")
_TAIL_MARK = re.compile(r"[\d)]\s*(ksh?s?\.?|[a-z]{3}|/=|/-|[$€£₦¥])\s*$")


def minor_units(code: str) -> int:
    known = CURRENCIES.get(code.upper())
    return known.minor_units if known else 2


def in_cell(cell: str) -> str | None:
    """The currency a money cell names ('KSh 1,200', '$12.50', '1 200 €'), or None."""
    text = cell.casefold()
    for pattern in (_HEAD_MARK, _TAIL_MARK):
        found = pattern.search(text)
        if found:
            return _code(found.group(1))
    return None


def in_header(name: str) -> str | None:
    """The currency a column name names as a qualifier ('Net Sales (KES)', 'Line Total USD')."""
    for word in _WORD.findall(name.casefold()):
        code = _code(word.strip("()."))
        if code:
            return code
    return None


def _code(mark: str) -> str | None:
    mark = mark.strip()
    for known, code in _MARKS:
        if mark == known:
            return code
    return None


def dominant(found: Iterable[str | None]) -> str | None:
    """The currency named most often, or None when none is."""
    counts = Counter(c for c in found if c)
    return counts.most_common(1)[0][0] if counts else None
