"""RFM: recency / frequency / monetary quintile scores and the named segment they give.

Scores (1 = worst, 5 = best), each computed over the customers of the selection:
- recency  R: days from the customer's last line to the reference day, fewer is better;
- frequency F: the customer's transactions (same rule as the `transactions` KPI);
- monetary M: the customer's net sales.
A value's score is 1 + floor(5 × (customers with a strictly worse value) / customers), so ties
share a score and the scores do not depend on input order.

Segments, first rule that matches wins:
- Champions: R ≥ 4, F ≥ 4 and M ≥ 4
- Loyal: R ≥ 3 and F ≥ 3
- New: R ≥ 4 and F ≤ 2 (bought recently, few times)
- Promising: R = 3 and F ≤ 2
- At risk: R ≤ 2 and F ≥ 3 (used to buy often, not lately)
- Hibernating: everyone else (R ≤ 2 and F ≤ 2)
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

QUANTILES = 5


class Segment(enum.Enum):
    CHAMPIONS = "Champions"
    LOYAL = "Loyal"
    NEW = "New"
    PROMISING = "Promising"
    AT_RISK = "At risk"
    HIBERNATING = "Hibernating"


SEGMENT_RULE = (
    "Quintile scores 1-5 over the customers of the selection: score = 1 + floor(5 × customers "
    "with a strictly worse value / customers) (ties share a score). R: fewer days since the last "
    "purchase is better; F: more transactions; M: more net sales. First match wins: Champions "
    "(R≥4, F≥4, M≥4); Loyal (R≥3, F≥3); New (R≥4, F≤2); Promising (R=3, F≤2); At risk (R≤2, "
    "F≥3); Hibernating (the rest)."
)


def quintile_scores(
    values: Sequence[float] | Sequence[Decimal], *, higher_is_better: bool = True
) -> list[int]:
    """Each value's score: 1 + floor(5 × count of strictly worse values / n)."""
    n = len(values)
    keyed = [v if higher_is_better else -v for v in values]
    ordered = sorted(keyed)
    return [1 + QUANTILES * bisect.bisect_left(ordered, v) // n for v in keyed]


def segment(recency: int, frequency: int, monetary: int) -> Segment:
    if recency >= 4 and frequency >= 4 and monetary >= 4:
        return Segment.CHAMPIONS
    if recency >= 3 and frequency >= 3:
        return Segment.LOYAL
    if recency >= 4:
        return Segment.NEW
    if recency == 3:
        return Segment.PROMISING
    if frequency >= 3:
        return Segment.AT_RISK
    return Segment.HIBERNATING


@dataclass(frozen=True)
class CustomerFacts:
    customer: str
    last_purchase: datetime
    recency_days: int
    transactions: int
    net_sales: Decimal


@dataclass(frozen=True)
class CustomerScore:
    facts: CustomerFacts
    recency_score: int
    frequency_score: int
    monetary_score: int

    @property
    def segment(self) -> Segment:
        return segment(self.recency_score, self.frequency_score, self.monetary_score)


def score_customers(customers: Sequence[CustomerFacts]) -> list[CustomerScore]:
    if not customers:
        return []
    r = quintile_scores([c.recency_days for c in customers], higher_is_better=False)
    f = quintile_scores([c.transactions for c in customers])
    m = quintile_scores([c.net_sales for c in customers])
    return [
        CustomerScore(facts, rs, fs, ms)
        for facts, rs, fs, ms in zip(customers, r, f, m, strict=True)
    ]
