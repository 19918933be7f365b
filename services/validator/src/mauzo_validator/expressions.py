"""The user's mapping: canonical field -> source column, or a small arithmetic expression.

An expression combines two operands (source columns or numbers) with one operator, e.g.
"quantity * unit price", "Sales - Profit", "Total - Tax", "amount x 1.16"; `x` and `×` mean
multiply, `−` minus. A name matches a column exactly, else ignoring case, spaces and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from mauzo_validator.errors import Code, rejected

_BINARY = re.compile(r"^(?P<left>.+?)\s+(?P<op>[*x×+\-−/])\s+(?P<right>.+)$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_OPS = {"*": "*", "x": "*", "×": "*", "+": "+", "-": "-", "−": "-", "/": "/"}

Operand = str | float


@dataclass(frozen=True)
class Expression:
    text: str
    left: Operand
    op: str
    right: Operand

    @property
    def columns(self) -> list[str]:
        return [o for o in (self.left, self.right) if isinstance(o, str)]

    def combine(self, value_of: dict[str, pl.Expr]) -> pl.Expr:
        left, right = (
            value_of[o] if isinstance(o, str) else pl.lit(o, pl.Float64)
            for o in (self.left, self.right)
        )
        if self.op == "*":
            return left * right
        if self.op == "+":
            return left + right
        if self.op == "-":
            return left - right
        return pl.when(right != 0).then(left / right)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def resolve_column(name: str, columns: list[str], field: str) -> str:
    """The source column `name` designates, or a `mapping_column_not_found` rejection."""
    if name in columns:
        return name
    matches = [c for c in columns if _key(c) == _key(name)]
    if len(matches) == 1:
        return matches[0]
    raise rejected(
        Code.MAPPING_COLUMN_NOT_FOUND,
        f"The mapping sends {field!r} to column {name!r}, which the file does not have. "
        f"Columns found: {', '.join(columns[:30])}.",
        "Correct the column name in the mapping (or leave the field out to map it automatically).",
    )


def parse_source(text: str, columns: list[str], field: str, *, numeric: bool) -> str | Expression:
    """A column name, or (for numeric fields) an expression over columns and numbers."""
    text = " ".join(text.split())
    if text in columns or not numeric:
        return resolve_column(text, columns, field)
    match = _BINARY.match(text)
    if match is None or any(_key(c) == _key(text) for c in columns):
        return resolve_column(text, columns, field)
    operands: list[Operand] = []
    for part in (match["left"], match["right"]):
        operands.append(
            float(part) if _NUMBER.match(part) else resolve_column(part, columns, field)
        )
    return Expression(text, operands[0], _OPS[match["op"]], operands[1])
