"""Turning a raw header row into usable, unique column names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mauzo_validator.errors import Code, rejected

_SPACING = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]")  # line breaks in a wrapped header cell
INVISIBLE = frozenset({"Cc", "Cf"})  # control characters; invisible format (bidi, zero-width)


@dataclass(frozen=True)
class Header:
    names: list[str]
    """Cleaned name per source position; `None`-like positions are listed in `dropped`."""
    keep: list[int]
    """Positions of the columns to keep."""
    dropped: list[str]
    """What was dropped and why, for the report."""


def clean_name(raw: str) -> str:
    """Spacing controls become spaces, other control and invisible characters go, runs of
    spaces become one: `"Net\\nSales"` → `"Net Sales"`, `"\\x1bamount\\u202e"` → `"amount"`."""
    name = _SPACING.sub(" ", raw.replace("\u00a0", " "))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in INVISIBLE)
    return " ".join(name.split())


def clean_header(raw: list[str], max_columns: int) -> Header:
    if len(raw) > max_columns:
        raise rejected(
            Code.TOO_MANY_COLUMNS,
            f"The file has {len(raw)} columns; at most {max_columns} are accepted.",
            "Export only the sales columns (date, branch, product, quantity, amount ...).",
        )
    names = [clean_name(r) for r in raw]
    keep = list(range(len(names)))
    dropped: list[str] = []
    while keep and not names[keep[-1]]:
        keep.pop()
        dropped.append(f"column {len(keep) + 1}: empty trailing column without a header")
    if len(keep) > 1 and not names[0]:
        keep.pop(0)
        dropped.append("column 1: row names without a header (R export)")
    for i in keep:
        if not names[i]:
            names[i] = f"column_{i + 1}"
    seen: dict[str, int] = {}
    for i in keep:
        key = names[i].casefold()
        if key in seen:
            raise rejected(
                Code.DUPLICATE_HEADERS,
                f"Column name {names[i]!r} appears twice (columns {seen[key] + 1} and {i + 1}).",
                "Give every column a distinct name in the header row, then upload again.",
            )
        seen[key] = i
    return Header(names, keep, dropped)
