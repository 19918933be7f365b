"""Per role of the sales model: the column chosen, what decided it, the evidence and a confidence.

Shown by analyze-schema (analysis.py) so a user sees why a column was read as, say, the quantity,
and which other columns came close, before anything is loaded.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from mauzo_validator.mapping import FIELDS, Mapping

DecidedBy = Literal["mapping", "name", "evidence", "none"]
_BY_NAME = 0.95
"""A whole-name synonym is nearly always right; the per-column profile still checks the type."""


class RoleChoice(BaseModel):
    role: str
    column: str | None = None
    decided_by: DecidedBy = "none"
    confidence: float = 0.0
    evidence: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)
    """The other columns scored for the role, best first, with their score and evidence."""


def role_choices(mapping: Mapping) -> list[RoleChoice]:
    flat = mapping.as_flat()
    return [_choice(field, flat[field] or None, mapping) for field in FIELDS]


def _choice(field: str, column: str | None, mapping: Mapping) -> RoleChoice:
    rivals = [c.describe() for c in mapping.candidates.get(field, []) if c.column != column]
    choice = RoleChoice(role=field, column=column, candidates=rivals)
    if field in mapping.fixed:
        choice.decided_by, choice.confidence = "mapping", 1.0
        choice.evidence = ["set by the mapping" if column else "left empty by the mapping"]
    elif field in mapping.evidence and column:
        choice.decided_by, choice.confidence = "evidence", mapping.confidence[field]
        choice.evidence = mapping.evidence[field]
    elif column:
        choice.decided_by, choice.confidence = "name", _BY_NAME
        choice.evidence = [f"name {column!r} is a known name of {field} (synonyms)"]
    elif field == "amount" and mapping.amount_rule == "price_x_quantity":
        choice.decided_by, choice.confidence = "evidence", _BY_NAME
        choice.evidence = [f"no amount column: {mapping.unit_price} x {mapping.quantity}"]
    return choice
