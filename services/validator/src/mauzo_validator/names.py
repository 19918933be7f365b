"""Column names as words: the one token splitter every role scorer uses.

See docs/sales-model.md#column-roles.

A header is split on changes of case, on digits and on punctuation, and folded to lower case, so
"Net_Sales (KES)", "NetSalesKES" and "net-sales kes" all read as the same words. Words that only
qualify a name (a period, a currency, a unit) are simply absent from the role tables, so they earn
nothing and cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def tokens(name: str) -> list[str]:
    """'Net_Sales (KES)' -> ['net', 'sales', 'kes']; 'MonthlyRevenue2024' -> [..., '2024']."""
    return [t.casefold() for t in _TOKEN.findall(name)]


@dataclass(frozen=True)
class RoleWords:
    """The words that name one role, with their weight, and the words that rule a column out
    because they name something else (an id, a rate, another measure)."""

    words: Mapping[str, float]
    excluded: frozenset[str] = field(default_factory=frozenset)

    def points(self, name: str) -> float | None:
        """The summed weight of the role's words; None when a word names something else."""
        words = set(tokens(name))
        if words & self.excluded:
            return None
        return sum(self.words.get(w, 0.0) for w in words)
