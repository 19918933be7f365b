"""Money summed exactly: each amount as an integer of 1/10 000ths, summed as a 64-bit integer.

See docs/sales-model.md#money-and-currency.

Amounts are stored as doubles (Druid's and DuckDB's metric type); a double sum drifts
(16249216.039999997), and rounding a drifted sum to cents goes the wrong way at a half cent. Till
and accounting exports carry at most four decimals, so ROUND(x * 10 000) recovers each stored
amount exactly, and both engines sum BIGINTs exactly (up to 9.2e14 in the currency). Python reads
the sum back as a Decimal; query-api rounds it half up to the currency's minor unit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mauzo_common.currency import minor_units

SCALE_DIGITS = 4


def scaled_sum(column: str) -> str:
    """SQL: the exact sum of a money column, in 1/10 000ths."""
    return f"SUM(CAST(ROUND({column} * {10**SCALE_DIGITS}) AS BIGINT))"


def from_scaled(value: Any) -> Decimal:
    """The Decimal amount of a `scaled_sum` result (0 for an empty selection's NULL)."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value)).scaleb(-SCALE_DIGITS)


def scaled_net(revenue: str, returns: str) -> str:
    """SQL: exact net sales (Σ gross revenue + Σ returns value), in 1/10 000ths."""
    return f"({scaled_sum(revenue)} + {scaled_sum(returns)})"


def round_money(amount: Decimal, currency: str) -> float:
    """Half up to the currency's minor unit; a float with at most that many decimals, so JSON
    shows exactly those digits."""
    step = Decimal(1).scaleb(-minor_units(currency))
    return float(amount.quantize(step, rounding=ROUND_HALF_UP)) + 0.0
