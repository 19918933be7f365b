"""A column considered for a role, with its score and evidence, and the one rule that picks.

See docs/sales-model.md#column-roles.

The highest score wins. Scores carry position evidence where position means something (measures
drift right, towards the totals); an exact tie goes to the column further right for measures and
further left for dates and labels (the export's leading key). When another column also
qualified, the choice is a warning in the quality report naming both scores.
"""

from __future__ import annotations

from dataclasses import dataclass

_LABELS = {
    "amount": "Sales amount",
    "quantity": "Quantity",
    "unit_price": "Unit price",
    "cost": "Cost",
    "discount": "Discount",
    "tax": "Tax",
    "time": "Sale date",
    "branch": "Branch",
    "product": "Product",
    "salesperson": "Salesperson",
    "customer": "Customer",
    "invoice_id": "Invoice id",
}


@dataclass(frozen=True)
class Candidate:
    column: str
    score: float
    evidence: list[str]
    position: int
    qualified: bool

    @property
    def confidence(self) -> float:
        """Score / (score + 2), so 2 points read as an even chance and nothing reaches 1."""
        return round(max(0.0, min(0.99, self.score / (self.score + 2.0))), 2)

    def describe(self) -> str:
        return (
            f"{self.column!r} (score {self.score:g}: {'; '.join(self.evidence) or 'no evidence'})"
        )


def ranked(found: list[Candidate], *, rightmost: bool) -> list[Candidate]:
    """Best first: the highest score, then the tie rule of the role's kind."""
    side = 1 if rightmost else -1
    return sorted(found, key=lambda c: (c.score, side * c.position), reverse=True)


def competition_warning(role: str, chosen: Candidate, others: list[Candidate]) -> str | None:
    rivals = [c for c in others if c.qualified]
    if not rivals:
        return None
    names = ", ".join(f"{c.column!r} ({c.score:g})" for c in rivals)
    side = "rightmost" if role in MEASURES else "leftmost"
    return (
        f"{_LABELS.get(role, role)}: {chosen.column!r} (score {chosen.score:g}) chosen over "
        f"{names}: the highest evidence score wins, the {side} on a tie. Map '{role}' to "
        "another column to use it."
    )


MEASURES = frozenset({"amount", "quantity", "unit_price", "cost", "discount", "tax"})
